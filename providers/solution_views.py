"""Pages of the solution library (“小快轻准”产品库): the library with its filters, a solution's page, the
provider's own solutions and their form, and the bureau's excellent-product decisions.

Thin like the other provider pages: objects come through the program-scoped selectors, changes through
`providers.solutions`."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.web import paginate, program_view, render_page
from providers import solution_forms as forms
from providers import solution_selectors as selectors
from providers import solutions as services
from providers.models import DeploymentMode, SolutionStatus

PAGE_SIZE = 20


def _solution_redirect(access, solution):
    return redirect("providers:solution", program=access.program.slug, solution=solution.pk)


@program_view(Capability.VIEW_SOLUTIONS)
def library(request, access):
    filters = {key: request.GET.get(key, "").strip() for key in selectors.FILTERS}
    try:
        max_price = selectors.parse_max_price(filters["max_price"])
        price_error = ""
    except PortalError as error:
        max_price, price_error = None, error.message
    queryset = selectors.solution_library(
        access=access,
        industry=filters["industry"],
        deployment=filters["deployment"],
        max_price=max_price,
        module=filters["module"],
        search=filters["search"],
    )
    page = paginate(request, queryset, PAGE_SIZE)
    own_industry = selectors.own_industry(access=access)
    return render_page(
        request,
        access,
        "providers/solutions/library.html",
        {
            "page": page,
            "filters": filters,
            "filtered": any(filters.values()),
            "price_error": price_error,
            "industries": selectors.library_industries(access.program),
            "modules": selectors.library_modules(access.program),
            "deployments": DeploymentMode.choices,
            "own_industry": own_industry,
            "may_publish": access.can(Capability.PUBLISH_SOLUTION),
            "sees_providers": access.can(Capability.VIEW_PROVIDERS),
        },
    )


@program_view(Capability.VIEW_SOLUTIONS)
def detail(request, access, solution):
    item = selectors.solution_get(access=access, pk=solution)
    is_owner = access.can(Capability.PUBLISH_SOLUTION) and item.membership.organisation_id == (
        access.user.organisation_id
    )
    may_award = access.can(Capability.GRANT_AWARD)
    sees_decisions = is_owner or access.can(Capability.VIEW_ALL_ENTERPRISES)
    return render_page(
        request,
        access,
        "providers/solutions/detail.html",
        {
            "solution": item,
            "award": item.active_awards[0] if item.active_awards else None,
            "awards": list(selectors.awards_of(item)) if sees_decisions else [],
            "is_owner": is_owner,
            "may_edit": is_owner and item.status in services.EDITABLE,
            "may_publish": is_owner and item.status == SolutionStatus.DRAFT,
            "may_withdraw": is_owner and item.status != SolutionStatus.WITHDRAWN,
            "may_award": may_award and item.status == SolutionStatus.PUBLISHED and not item.active_awards,
            "may_withdraw_award": may_award,
            "sees_providers": access.can(Capability.VIEW_PROVIDERS),
            "sees_history": access.can(Capability.VIEW_HISTORY),
            "withdraw_form": forms.ReasonForm(),
        },
    )


@program_view(Capability.PUBLISH_SOLUTION)
def mine(request, access):
    return render_page(
        request,
        access,
        "providers/solutions/mine.html",
        {"solutions": list(selectors.own_solutions(access=access))},
    )


@program_view(Capability.PUBLISH_SOLUTION)
@require_http_methods(["GET", "POST"])
def edit(request, access, solution=None):
    instance = selectors.own_solution_get(access=access, pk=solution) if solution is not None else None
    if instance is not None and instance.status not in services.EDITABLE:
        messages.error(request, _("A withdrawn solution cannot be changed."))
        return _solution_redirect(access, instance)
    form = forms.SolutionForm(request.POST or None, program=access.program, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.solution_save(
                access=access,
                fields=form.solution_fields(),
                industries=form.cleaned_data["industries"],
                modules=form.cleaned_data["modules"],
                solution=instance,
                reason=form.cleaned_data.get("change_reason", ""),
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Solution saved. The change is in the history."))
            return _solution_redirect(access, saved)
    return render_page(request, access, "providers/solutions/form.html", {"form": form, "solution": instance})


@program_view(Capability.PUBLISH_SOLUTION)
@require_POST
def publish(request, access, solution):
    item = selectors.own_solution_get(access=access, pk=solution)
    try:
        services.solution_publish(access=access, solution=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published: enterprises now find the solution in the library."))
    return _solution_redirect(access, item)


@program_view(Capability.PUBLISH_SOLUTION)
@require_POST
def withdraw(request, access, solution):
    item = selectors.own_solution_get(access=access, pk=solution)
    form = forms.ReasonForm(request.POST)
    try:
        services.solution_withdraw(
            access=access, solution=item, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Solution withdrawn from the library."))
    return _solution_redirect(access, item)


@program_view(Capability.GRANT_AWARD)
@require_http_methods(["GET", "POST"])
def award(request, access, solution):
    item = selectors.solution_get(access=access, pk=solution)
    form = forms.AwardForm(request.POST or None)
    limit = services.excellent_product_limit(access.program)
    if request.method == "POST" and form.is_valid():
        try:
            services.solution_award_grant(access=access, solution=item, **form.cleaned_data)
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("The solution is marked as an excellent product."))
            return _solution_redirect(access, item)
    return render_page(
        request, access, "providers/solutions/award_form.html", {"form": form, "solution": item, "limit": limit}
    )


@program_view(Capability.GRANT_AWARD)
@require_POST
def award_withdraw(request, access, solution, solution_award):
    item = selectors.solution_get(access=access, pk=solution)
    decision = selectors.award_get(access=access, solution=item, pk=solution_award)
    form = forms.ReasonForm(request.POST)
    try:
        services.solution_award_withdraw(
            access=access, award=decision, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Award withdrawn."))
    return _solution_redirect(access, item)
