"""Selection rounds: the list, the set-up, the round's page, the committee, advancing, confirmation and
publication."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.web import program_view, render_page
from providers import forms, selectors, services
from providers.models import PoolStatus, RoundStatus
from providers.views.common import own_membership_or_none, round_redirect
from scoring.selectors import sheet_structure

SCORING_AND_AFTER = (RoundStatus.SCORING, RoundStatus.CONFIRMED, RoundStatus.PUBLISHED)
SETTLED = (RoundStatus.CONFIRMED, RoundStatus.PUBLISHED)
ADVANCE_LABELS = {
    RoundStatus.DRAFT: gettext_lazy("Open for applications"),
    RoundStatus.OPEN: gettext_lazy("Close applications and start scoring"),
}


# Rounds: list and set-up ---------------------------------------------------------------------------------


@program_view(Capability.VIEW_SELECTION)
def round_list(request, access):
    rounds = list(selectors.round_list(access=access))
    membership = own_membership_or_none(access)
    own = selectors.own_application_statuses(membership, rounds) if membership is not None else {}
    for selection_round in rounds:
        selection_round.own_status = own.get(selection_round.pk, "")
    return render_page(
        request,
        access,
        "providers/round_list.html",
        {
            "rounds": rounds,
            "may_run": access.can(Capability.RUN_SELECTION),
            "sees_counts": access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.SCORE_SELECTION),
            "is_provider": access.can(Capability.APPLY_SELECTION),
            "membership": membership,
            "is_member": access.can(Capability.SCORE_SELECTION),
        },
    )


def _round_form_page(request, access, form, selection_round=None):
    return render_page(
        request,
        access,
        "providers/round_form.html",
        {"form": form, "round": selection_round, "has_templates": form.fields["template"].queryset.exists()},
    )


@program_view(Capability.RUN_SELECTION)
@require_http_methods(["GET", "POST"])
def round_new(request, access):
    form = forms.RoundForm(request.POST or None, program=access.program)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.round_create(
                access=access, fields=form.round_fields(), industries=form.cleaned_data["industries"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Round created. Seat the committee, then open it for applications."))
            return round_redirect(access, created)
    return _round_form_page(request, access, form)


@program_view(Capability.RUN_SELECTION)
@require_http_methods(["GET", "POST"])
def round_edit(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    if selection_round.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        messages.error(
            request,
            _("The round is “%(status)s”: its set-up is fixed.") % {"status": selection_round.get_status_display()},
        )
        return round_redirect(access, selection_round)
    form = forms.RoundForm(request.POST or None, program=access.program, instance=selection_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                access=access,
                selection_round=selection_round,
                fields=form.round_fields(),
                industries=form.cleaned_data["industries"],
                reason=form.cleaned_data["change_reason"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Saved. The change is in the history."))
            return round_redirect(access, selection_round)
    return _round_form_page(request, access, form, selection_round)


# Rounds: the round's page --------------------------------------------------------------------------------


def _ranking(access, selection_round):
    """Per industry, the rows to show: the stored results once confirmed, the live ranking before."""
    if selection_round.status not in SCORING_AND_AFTER or not selectors.may_see_ranking(access, selection_round):
        return None, False
    if selection_round.status in SETTLED:
        tables = {}
        for result in selectors.round_results(selection_round):
            tables.setdefault(result.industry, []).append(result)
        for rows in tables.values():
            rows.sort(key=lambda result: (result.rank is None, result.rank or 0, result.pk))
        ordered = sorted(tables.items(), key=lambda pair: (pair[0].sort_order, pair[0].code))
        return [{"industry": industry, "results": rows} for industry, rows in ordered], True
    return [
        {"industry": table.industry, "rows": table.rows} for table in selectors.round_ranking(selection_round)
    ], False


def _steps(status):
    """The round's life as steps, each done, current or to come."""
    values = RoundStatus.values
    here = values.index(status)
    return [
        {"label": label, "state": "done" if index < here else "current" if index == here else "todo"}
        for index, (_value, label) in enumerate(RoundStatus.choices)
    ]


def _round_page(request, access, selection_round, **bound):
    may_run = access.can(Capability.RUN_SELECTION)
    sees_all = access.can(Capability.VIEW_ALL_ENTERPRISES)
    is_member = access.can(Capability.SCORE_SELECTION) and selectors.is_seated(selection_round, access.user)
    status = selection_round.status
    context = {
        "round": selection_round,
        "structure": sheet_structure(selection_round.template),
        "may_run": may_run,
        "sees_all": sees_all,
        "is_member": is_member,
        "steps": _steps(status),
        "industries": list(selection_round.industries.all()),
    }
    if sees_all or is_member:
        context["seats"] = selectors.round_seats(selection_round)
        context["entries"] = list(selectors.round_applicants(selection_round, access=access))
    if is_member:
        context["member_rows"] = selectors.member_rows(selection_round, access.user, context["entries"])
        context["conflict_kinds"] = forms.ConflictForm.base_fields["kind"].choices
    if may_run:
        if status in (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.SCORING):
            context["seat_form"] = bound.get("seat_form") or forms.SeatForm(selection_round=selection_round)
        if status in ADVANCE_LABELS:
            context["advance_label"] = ADVANCE_LABELS[status]
        if status == RoundStatus.SCORING:
            context["missing"] = selectors.missing_sheets(selection_round)
            context["confirm_form"] = bound.get("confirm_form") or forms.ConfirmForm()
        if status == RoundStatus.CONFIRMED:
            context["publish_form"] = bound.get("publish_form") or forms.PublishForm()
    if sees_all and status in SCORING_AND_AFTER:
        context["grid"] = selectors.completeness(selection_round)
    membership = own_membership_or_none(access)
    if membership is not None:
        context["membership"] = membership
        context["own_entry"] = selectors.own_entry(selection_round, membership)
        context["may_apply"] = status == RoundStatus.OPEN and membership.status != PoolStatus.REMOVED
    context["ranking"], context["settled"] = _ranking(access, selection_round)
    if status == RoundStatus.PUBLISHED:
        context["published"] = selectors.published_results(selection_round)
    return render_page(request, access, "providers/round_detail.html", context)


@program_view(Capability.VIEW_SELECTION)
def round_detail(request, access, round):
    return _round_page(request, access, selectors.round_get(access=access, pk=round))


@program_view(Capability.RUN_SELECTION)
@require_POST
def round_advance(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    form = forms.AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read; reload the page and try again."))
        return round_redirect(access, selection_round)
    try:
        advanced = services.round_advance(
            access=access, selection_round=selection_round, expected_status=form.cleaned_data["expected_status"]
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done. The round is now “%(status)s”.") % {"status": advanced.get_status_display()})
    return round_redirect(access, selection_round)


@program_view(Capability.RUN_SELECTION)
@require_POST
def round_seat(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    form = forms.SeatForm(request.POST, selection_round=selection_round)
    if form.is_valid():
        try:
            seat = services.round_seat(
                access=access,
                selection_round=selection_round,
                member=form.cleaned_data["member"],
                capacity=form.cleaned_data["capacity"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("%(member)s sits on the committee.") % {"member": seat.member})
            return round_redirect(access, selection_round)
    messages.error(request, _("The member could not be seated; see the committee form."))
    return _round_page(request, access, selection_round, seat_form=form)


@program_view(Capability.RUN_SELECTION)
@require_POST
def round_unseat(request, access, round, seat):
    selection_round = selectors.round_get(access=access, pk=round)
    item = selectors.seat_get(selection_round, seat)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Record why the member leaves."))
        return round_redirect(access, selection_round)
    try:
        services.round_unseat(access=access, seat=item, reason=form.cleaned_data["reason"])
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(member)s left the committee.") % {"member": item.member})
    return round_redirect(access, selection_round)


@program_view(Capability.RUN_SELECTION)
@require_POST
def round_confirm(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    form = forms.ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.round_confirm(access=access, selection_round=selection_round, reason=form.cleaned_data["reason"])
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Result confirmed. Publish it when the bureau has announced it."))
            return round_redirect(access, selection_round)
    messages.error(request, _("The result is not confirmed; see the confirmation form."))
    return _round_page(request, access, selection_round, confirm_form=form)


@program_view(Capability.RUN_SELECTION)
@require_POST
def round_publish(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            services.round_publish(
                access=access, selection_round=selection_round, published_on=form.cleaned_data["published_on"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Result published. The selected providers may now be picked."))
            return round_redirect(access, selection_round)
    messages.error(request, _("The result is not published; see the publication form."))
    return _round_page(request, access, selection_round, publish_form=form)
