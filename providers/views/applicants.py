"""A round's applications: the provider applies or withdraws; an applicant's page, a member's sheet and its
declared links."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.web import program_view, render_page
from providers import forms, selectors, services
from providers.models import PoolStatus, RoundStatus
from providers.views.common import round_redirect
from scoring.forms import SheetForm
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure
from scoring.sheets import sheet_table


@program_view(Capability.APPLY_SELECTION)
@require_http_methods(["GET", "POST"])
def round_apply(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    membership = services.own_membership(access)
    if selection_round.status != RoundStatus.OPEN:
        messages.error(request, _("The round does not take applications now."))
        return round_redirect(access, selection_round)
    if membership.status == PoolStatus.REMOVED:
        messages.error(request, _("Your organisation was removed from the resource pool and cannot apply."))
        return round_redirect(access, selection_round)
    entry = selectors.own_entry(selection_round, membership)
    initial = selectors.apply_initial(selection_round, membership, entry)
    form = forms.ApplyForm(request.POST or None, initial=initial, selection_round=selection_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_apply(
                access=access,
                selection_round=selection_round,
                industries=form.cleaned_data["industries"],
                team=form.cleaned_data["team"],
                solution=form.cleaned_data["solution"],
                local_support_staff=form.cleaned_data["local_support_staff"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("Application submitted. You can revise or withdraw it until %(date)s.")
                % {"date": selection_round.closes_on.isoformat()},
            )
            return round_redirect(access, selection_round)
    return render_page(
        request,
        access,
        "providers/apply_form.html",
        {"form": form, "round": selection_round, "entry": entry, "membership": membership},
    )


@program_view(Capability.APPLY_SELECTION)
@require_POST
def round_withdraw(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    membership = services.own_membership(access)
    entry = selectors.own_submitted_entry(selection_round, membership)
    if entry is None:
        raise Http404
    try:
        services.round_withdraw(access=access, entry=entry)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Application withdrawn. You may apply again while the round is open."))
    return round_redirect(access, selection_round)


# Rounds: an applicant, its sheets, conflicts ------------------------------------------------------------


@program_view(Capability.VIEW_SELECTION)
def entry_detail(request, access, round, entry):
    selection_round = selectors.round_get(access=access, pk=round)
    item = selectors.entry_get(access=access, selection_round=selection_round, pk=entry)
    membership = item.membership
    is_member = access.can(Capability.SCORE_SELECTION) and selectors.is_seated(selection_round, access.user)
    may_read_sheets = access.can(Capability.VIEW_ALL_ENTERPRISES) or is_member
    structure = sheet_structure(selection_round.template)
    context = {
        "round": selection_round,
        "entry": item,
        "membership": membership,
        "is_member": is_member,
        "may_read_sheets": may_read_sheets,
        "cases": selectors.active_cases(membership),
        "documents": selectors.active_documents(membership),
    }
    if may_read_sheets:
        sheets = list(selectors.sheets_visible(access=access, entry=item).order_by("member__username"))
        context["sheets"] = sheets
        context["sheet_table"] = sheet_table(structure, sheets)
        if is_member:
            own = next((sheet for sheet in sheets if sheet.member_id == access.user.pk), None)
            context["own_sheet"] = own
            context["own_submitted"] = own is not None and own.status == SheetStatus.SUBMITTED
            context["conflict"] = selectors.member_conflict(member=access.user, entry=item)
    return render_page(request, access, "providers/entry_detail.html", context)


@program_view(Capability.SCORE_SELECTION)
@require_http_methods(["GET", "POST"])
def sheet(request, access, round, entry):
    selection_round = selectors.round_get(access=access, pk=round)
    item = selectors.entry_get(access=access, selection_round=selection_round, pk=entry)
    if not selectors.is_seated(selection_round, access.user):
        raise PermissionDenied(_("You do not sit on this round's committee."))
    structure = sheet_structure(selection_round.template)
    own = selectors.own_committee_sheet(item, access.user)
    conflict = selectors.member_conflict(member=access.user, entry=item)
    initial = {"comment": own.comment, **{f"item_{s.item_id}": s.points for s in own.scores.all()}} if own else {}
    form = SheetForm(request.POST or None, initial=initial, structure=structure)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("submit") == "1"
        try:
            saved = services.sheet_save(
                access=access,
                selection_round=selection_round,
                entry=item,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            if submit:
                messages.success(request, _("Sheet submitted. It is final; the other members' sheets are shown now."))
                return redirect("providers:entry", program=access.program.slug, round=selection_round.pk, entry=item.pk)
            messages.success(
                request,
                _("Draft saved (total %(total)s). Submit it when every item is scored.") % {"total": saved.total},
            )
            return redirect("providers:sheet", program=access.program.slug, round=selection_round.pk, entry=item.pk)
    editable = (
        not conflict
        and selection_round.status == RoundStatus.SCORING
        and (own is None or own.status != SheetStatus.SUBMITTED)
    )
    return render_page(
        request,
        access,
        "providers/sheet_form.html",
        {
            "round": selection_round,
            "entry": item,
            "form": form,
            "own": own,
            "conflict": conflict,
            "editable": editable,
            "sheet_table": sheet_table(structure, [own]) if own and not editable else None,
            "max_total": sum((i.max_points for section in structure for i in section.items.all()), 0),
        },
    )


@program_view(Capability.SCORE_SELECTION)
@require_POST
def conflict(request, access, round, entry):
    selection_round = selectors.round_get(access=access, pk=round)
    item = selectors.entry_get(access=access, selection_round=selection_round, pk=entry)
    form = forms.ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of link you have with the provider."))
        return round_redirect(access, selection_round)
    try:
        services.conflict_declare(
            access=access,
            selection_round=selection_round,
            entry=item,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Link to %(provider)s declared: you do not score this provider.") % {"provider": item}
        )
    return round_redirect(access, selection_round)
