"""Funding pools, award decisions and an enterprise's own subsidies."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies.selectors import policy_snapshot, policy_version_for_quote
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import paginate, program_view, render_page
from subsidies import forms, runs
from subsidies.selectors import (
    award_candidates,
    award_list,
    own_subsidy_lines,
    pool_allocations,
    pool_carried,
    pool_list,
)
from subsidies.views.common import payment_status

# Funding pools ---------------------------------------------------------------------------------------------


@program_view(Capability.VIEW_RUNS)
@require_http_methods(["GET", "POST"])
def pools(request, access):
    rows = list(pool_list(access=access))
    form = None
    if request.method == "POST":
        access.require(Capability.MANAGE_FUNDS)
        form = forms.PoolForm(request.POST)
        if form.is_valid():
            try:
                runs.pool_save(access=access, **form.cleaned_data)
            except PortalError as error:
                show_portal_error(form, error)
            else:
                messages.success(request, _("The funding pool is saved. The change is in the history."))
                return redirect("subsidies:pools", program=access.program.slug)
    elif access.can(Capability.MANAGE_FUNDS):
        chosen = next((pool for pool in rows if pool.source == request.GET.get("source")), None)
        initial = {"source": chosen.source, "budget": chosen.budget, "note": chosen.note} if chosen else {}
        form = forms.PoolForm(initial=initial)
    for pool in rows:
        pool.percent = int(pool.allocated * 100 / pool.budget) if pool.budget else 0
    return render_page(request, access, "subsidies/runs/pool_list.html", {"pools": rows, "form": form})


@program_view(Capability.VIEW_RUNS)
@require_GET
def pool_detail(request, access, pool):
    item = get_or_404(pool_list(access=access), pool)
    return render_page(
        request,
        access,
        "subsidies/runs/pool_detail.html",
        {"pool": item, "allocations": list(pool_allocations(item)), "carried": list(pool_carried(item))},
    )


# Awards ----------------------------------------------------------------------------------------------------


def _award_form(access, data=None):
    projects = award_candidates(access=access)
    try:
        kinds = runs.project_award_limits(policy_snapshot(version=policy_version_for_quote(program=access.program)))
    except PortalError:
        kinds = {}
    return forms.AwardForm(data, projects=projects, kinds=kinds)


@program_view(Capability.VIEW_RUNS)
@require_http_methods(["GET", "POST"])
def awards(request, access):
    form = None
    if request.method == "POST":
        access.require(Capability.GRANT_AWARD)
        form = _award_form(access, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                runs.award_grant(
                    access=access,
                    application=data["application"],
                    kind=data["kind"],
                    amount=data["amount"],
                    reference=data["reference"],
                    decided_on=data["decided_on"],
                    reason=data["reason"],
                )
            except PortalError as error:
                show_portal_error(form, error)
            else:
                messages.success(request, _("Award granted. The next calculation of the project pays it."))
                return redirect("subsidies:awards", program=access.program.slug)
    elif access.can(Capability.GRANT_AWARD):
        form = _award_form(access)
    return render_page(
        request,
        access,
        "subsidies/runs/award_list.html",
        {
            "page": paginate(request, award_list(access=access)),
            "form": form,
            "may_grant": access.can(Capability.GRANT_AWARD),
        },
    )


@program_view(Capability.GRANT_AWARD)
@require_POST
def award_withdraw(request, access, award):
    found = get_or_404(award_list(access=access), award)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the award is withdrawn."))
    else:
        try:
            runs.award_withdraw(access=access, award=found, reason=form.cleaned_data["reason"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Award withdrawn. The next calculation of the project leaves it out."))
    return redirect("subsidies:awards", program=access.program.slug)


# An enterprise's own subsidies ------------------------------------------------------------------------------


@program_view(Capability.VIEW_OWN_SUBSIDY)
@require_GET
def my_subsidies(request, access):
    page = paginate(request, own_subsidy_lines(access=access))
    lines = list(page.object_list)
    for line in lines:
        line.payment_code, line.payment_label = payment_status(line)
    return render_page(
        request,
        access,
        "subsidies/runs/my_subsidies.html",
        {"page": page, "lines": lines, "may_read_filings": access.can(Capability.VIEW_FILINGS)},
    )
