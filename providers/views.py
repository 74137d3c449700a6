"""Provider pages: selection rounds (set-up, committee, applications, sheets, confirmation, publication), a
provider's page with the bureau's decisions, and the provider's own profile with its cases and documents.

Thin like the other apps' views: each resolves its objects through the program-scoped selectors, calls a
service for any change, and renders.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.errors import NotAllowed, PortalError
from portal.core.files import stored_file_response
from portal.core.forms import show_portal_error
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs import selectors as program_selectors
from programs.web import paginate, program_view, render_page
from providers import forms, selectors, services
from providers.models import ApplicationStatus, DocumentKind, PoolStatus, RoundApplication, RoundResult, RoundStatus
from providers.selectors import provider_list
from scoring.forms import SheetForm
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure

SCORING_AND_AFTER = (RoundStatus.SCORING, RoundStatus.CONFIRMED, RoundStatus.PUBLISHED)
SETTLED = (RoundStatus.CONFIRMED, RoundStatus.PUBLISHED)
ADVANCE_LABELS = {
    RoundStatus.DRAFT: gettext_lazy("Open for applications"),
    RoundStatus.OPEN: gettext_lazy("Close applications and start scoring"),
}


def _round_redirect(access, selection_round):
    return redirect("providers:round", program=access.program.slug, round=selection_round.pk)


def _own_membership_or_none(access):
    if not access.can(Capability.APPLY_SELECTION):
        return None
    try:
        return services.own_membership(access)
    except NotAllowed:
        return None


# Rounds: list and set-up ---------------------------------------------------------------------------------


@program_view(Capability.VIEW_SELECTION)
def round_list(request, access):
    rounds = list(selectors.round_list(access=access))
    membership = _own_membership_or_none(access)
    own = {}
    if membership is not None:
        own = dict(
            RoundApplication.objects.filter(membership=membership, round__in=[r.pk for r in rounds]).values_list(
                "round_id", "status"
            )
        )
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
            return _round_redirect(access, created)
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
        return _round_redirect(access, selection_round)
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
            return _round_redirect(access, selection_round)
    return _round_form_page(request, access, form, selection_round)


# Rounds: the round's page --------------------------------------------------------------------------------


def _ranking(access, selection_round):
    """Per industry, the rows to show: the stored results once confirmed, the live ranking before."""
    if selection_round.status not in SCORING_AND_AFTER or not selectors.may_see_ranking(access, selection_round):
        return None, False
    if selection_round.status in SETTLED:
        results = selection_round.results.select_related("application__membership__organisation", "industry")
        tables = {}
        for result in results:
            tables.setdefault(result.industry, []).append(result)
        for rows in tables.values():
            rows.sort(key=lambda result: (result.rank is None, result.rank or 0, result.pk))
        ordered = sorted(tables.items(), key=lambda pair: (pair[0].sort_order, pair[0].code))
        return [{"industry": industry, "results": rows} for industry, rows in ordered], True
    return [
        {"industry": table.industry, "rows": table.rows} for table in selectors.round_ranking(selection_round)
    ], False


def _member_rows(access, selection_round, entries):
    """For a seated member: each applicant with the member's own sheet and any reason it may not score it."""
    sheets = {sheet.application_id: sheet for sheet in selection_round.sheets.filter(member=access.user)}
    declared = set(selection_round.conflicts.filter(member=access.user).values_list("application_id", flat=True))
    rows = []
    for entry in entries:
        sheet, conflict = sheets.get(entry.pk), selectors.member_conflict(member=access.user, entry=entry)
        state = "conflict" if conflict else sheet.status if sheet else "missing"
        rows.append(
            {"entry": entry, "sheet": sheet, "conflict": conflict, "declared": entry.pk in declared, "state": state}
        )
    return rows


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
        context["seats"] = list(selection_round.seats.filter(is_active=True).select_related("member__organisation"))
        context["entries"] = list(selectors.round_applicants(selection_round, access=access))
    if is_member:
        context["member_rows"] = _member_rows(access, selection_round, context["entries"])
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
    membership = _own_membership_or_none(access)
    if membership is not None:
        context["membership"] = membership
        context["own_entry"] = (
            selection_round.applications.filter(membership=membership).prefetch_related("industries").first()
        )
        context["may_apply"] = status == RoundStatus.OPEN and membership.status != PoolStatus.REMOVED
    context["ranking"], context["settled"] = _ranking(access, selection_round)
    if status == RoundStatus.PUBLISHED:
        context["published"] = list(
            selection_round.results.filter(selected=True)
            .select_related("application__membership__organisation", "industry")
            .order_by("industry__sort_order", "industry__code", "rank")
        )
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
        return _round_redirect(access, selection_round)
    try:
        advanced = services.round_advance(
            access=access, selection_round=selection_round, expected_status=form.cleaned_data["expected_status"]
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done. The round is now “%(status)s”.") % {"status": advanced.get_status_display()})
    return _round_redirect(access, selection_round)


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
            return _round_redirect(access, selection_round)
    messages.error(request, _("The member could not be seated; see the committee form."))
    return _round_page(request, access, selection_round, seat_form=form)


@program_view(Capability.RUN_SELECTION)
@require_POST
def round_unseat(request, access, round, seat):
    selection_round = selectors.round_get(access=access, pk=round)
    item = get_or_404(selection_round.seats.filter(is_active=True).select_related("member"), seat)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Record why the member leaves."))
        return _round_redirect(access, selection_round)
    try:
        services.round_unseat(access=access, seat=item, reason=form.cleaned_data["reason"])
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(member)s left the committee.") % {"member": item.member})
    return _round_redirect(access, selection_round)


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
            return _round_redirect(access, selection_round)
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
            return _round_redirect(access, selection_round)
    messages.error(request, _("The result is not published; see the publication form."))
    return _round_page(request, access, selection_round, publish_form=form)


# Rounds: applications -------------------------------------------------------------------------------------


@program_view(Capability.APPLY_SELECTION)
@require_http_methods(["GET", "POST"])
def round_apply(request, access, round):
    selection_round = selectors.round_get(access=access, pk=round)
    membership = services.own_membership(access)
    if selection_round.status != RoundStatus.OPEN:
        messages.error(request, _("The round does not take applications now."))
        return _round_redirect(access, selection_round)
    if membership.status == PoolStatus.REMOVED:
        messages.error(request, _("Your organisation was removed from the resource pool and cannot apply."))
        return _round_redirect(access, selection_round)
    entry = selection_round.applications.filter(membership=membership).first()
    if entry is not None:
        initial = {
            "industries": list(entry.industries.all()),
            "team": entry.team,
            "solution": entry.solution,
            "local_support_staff": entry.local_support_staff,
        }
    else:
        covered = set(selection_round.industries.values_list("pk", flat=True))
        initial = {
            "industries": [industry for industry in membership.industries.all() if industry.pk in covered],
            "team": membership.team,
            "solution": membership.services,
            "local_support_staff": membership.local_support_staff,
        }
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
            return _round_redirect(access, selection_round)
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
    entry = selection_round.applications.filter(membership=membership, status=ApplicationStatus.SUBMITTED).first()
    if entry is None:
        raise Http404
    try:
        services.round_withdraw(access=access, entry=entry)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Application withdrawn. You may apply again while the round is open."))
    return _round_redirect(access, selection_round)


# Rounds: an applicant, its sheets, conflicts ------------------------------------------------------------


def _sheet_table(structure, sheets):
    """Items grouped by section, each with the points every sheet of `sheets` gave it (None when unscored)."""
    points = {sheet.pk: {score.item_id: score.points for score in sheet.scores.all()} for sheet in sheets}
    return [
        {
            "section": section,
            "items": [
                {"item": item, "points": [points[sheet.pk].get(item.pk) for sheet in sheets]}
                for item in section.items.all()
            ],
        }
        for section in structure
    ]


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
        "cases": membership.cases.filter(is_active=True).select_related("industry"),
        "documents": membership.documents.filter(is_active=True).select_related("case"),
    }
    if may_read_sheets:
        sheets = list(selectors.sheets_visible(access=access, entry=item).order_by("member__username"))
        context["sheets"] = sheets
        context["sheet_table"] = _sheet_table(structure, sheets)
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
    own = item.sheets.filter(member=access.user).prefetch_related("scores").first()
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
            "sheet_table": _sheet_table(structure, [own]) if own and not editable else None,
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
        return _round_redirect(access, selection_round)
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
    return _round_redirect(access, selection_round)


# A provider's page and the bureau's decisions ------------------------------------------------------------


def _may_read_documents(access, membership) -> bool:
    """Everyone who reads providers, except competing providers: a provider reads only its own files."""
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or not access.can(Capability.APPLY_SELECTION):
        return True
    return membership.organisation_id == access.user.organisation_id


def _provider_page(request, access, membership, decision_form=None):
    own = membership.organisation_id == access.user.organisation_id
    staff = access.can(Capability.VIEW_ALL_ENTERPRISES)
    applications = membership.round_applications.select_related("round").prefetch_related("industries")
    if staff:
        applications = applications.exclude(round__status=RoundStatus.DRAFT)
    elif not own:
        applications = applications.filter(round__status=RoundStatus.PUBLISHED)
    shown_results = SETTLED if staff else (RoundStatus.PUBLISHED,)
    results = {}
    for result in RoundResult.objects.filter(
        application__membership=membership, round__status__in=shown_results
    ).select_related("industry"):
        results.setdefault(result.application_id, []).append(result)
    rounds = [{"entry": entry, "results": results.get(entry.pk, [])} for entry in applications.order_by("-applied_at")]
    may_read_documents = _may_read_documents(access, membership)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "own": own,
        "industries": list(membership.industries.all()),
        "selections": list(selectors.selections_of(membership).select_related("decision")),
        "decisions": list(membership.decisions.select_related("decided_by").prefetch_related("industries")),
        "rounds": rounds,
        "may_read_documents": may_read_documents,
        "may_view_rounds": access.can(Capability.VIEW_SELECTION),
    }
    cases = membership.cases.filter(is_active=True).select_related("industry")
    context["cases"] = list(cases.prefetch_related("documents") if may_read_documents else cases)
    if may_read_documents:
        context["documents"] = list(membership.documents.filter(is_active=True, case__isnull=True))
    if access.can(Capability.MANAGE_POOL):
        context["decision_form"] = decision_form or forms.DecisionForm(program=access.program)
    return render_page(request, access, "providers/provider_detail.html", context)


@program_view(Capability.VIEW_PROVIDERS)
def provider_detail(request, access, provider):
    return _provider_page(request, access, selectors.provider_get(access=access, pk=provider))


@program_view(Capability.MANAGE_POOL)
@require_POST
def provider_decide(request, access, provider):
    membership = selectors.provider_get(access=access, pk=provider)
    form = forms.DecisionForm(request.POST, program=access.program)
    if form.is_valid():
        try:
            decision = services.pool_decide(
                access=access,
                membership=membership,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
                industries=form.cleaned_data["industries"],
                reference=form.cleaned_data["reference"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("Decision recorded: %(kind)s. The provider is now “%(status)s”.")
                % {"kind": decision.get_kind_display(), "status": decision.get_status_after_display()},
            )
            return redirect("providers:detail", program=access.program.slug, provider=membership.pk)
    messages.error(request, _("The decision is not recorded; see the decision form."))
    return _provider_page(request, access, membership, decision_form=form)


@program_view(Capability.VIEW_PROVIDERS)
def provider_document(request, access, provider, document):
    """The only way a provider's file leaves the server: for people who may read that provider's files."""
    membership = selectors.provider_get(access=access, pk=provider)
    if not _may_read_documents(access, membership):
        raise Http404
    item = get_or_404(membership.documents.filter(is_active=True), document)
    return stored_file_response(item)


# The provider's own profile ------------------------------------------------------------------------------


def _profile_redirect(access):
    return redirect("providers:profile", program=access.program.slug)


@program_view(Capability.APPLY_SELECTION)
@require_http_methods(["GET", "POST"])
def profile(request, access):
    membership = services.own_membership(access)
    removed = membership.status == PoolStatus.REMOVED
    form = forms.ProfileForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_profile_update(
                access=access,
                data=form.profile_data(),
                industries=list(form.cleaned_data["industries"]),
                reason=form.cleaned_data["change_reason"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Saved. The change is in the history."))
            return _profile_redirect(access)
    cases = list(membership.cases.filter(is_active=True).select_related("industry").prefetch_related("documents"))
    return render_page(
        request,
        access,
        "providers/profile.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "removed": removed,
            "form": form,
            "cases": cases,
            "documents": membership.documents.filter(is_active=True).select_related("case", "uploaded_by"),
            "document_kinds": forms.UPLOAD_KINDS,
            "case_kind": DocumentKind.CASE,
        },
    )


@program_view(Capability.APPLY_SELECTION)
@require_http_methods(["GET", "POST"])
def case_edit(request, access, case=None):
    membership = services.own_membership(access)
    instance = get_or_404(membership.cases.filter(is_active=True), case) if case is not None else None
    form = forms.CaseForm(request.POST or None, program=access.program, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_case_save(access=access, fields=form.case_fields(), case=instance)
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Case saved."))
            return _profile_redirect(access)
    return render_page(
        request,
        access,
        "providers/case_form.html",
        {"form": form, "case": instance, "membership": membership},
    )


@program_view(Capability.APPLY_SELECTION)
@require_POST
def case_close(request, access, case):
    membership = services.own_membership(access)
    instance = get_or_404(membership.cases.filter(is_active=True), case)
    try:
        services.provider_case_close(access=access, case=instance)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Case withdrawn from your profile."))
    return _profile_redirect(access)


@program_view(Capability.APPLY_SELECTION)
@require_POST
def document_upload(request, access):
    membership = services.own_membership(access)
    form = forms.DocumentForm(request.POST, request.FILES, membership=membership)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}：{' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        ]
        messages.error(request, _("The file is not uploaded. %(problems)s") % {"problems": "；".join(problems)})
        return _profile_redirect(access)
    try:
        services.provider_document_add(
            access=access,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            case=form.cleaned_data["case"],
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File uploaded."))
    return _profile_redirect(access)


@program_view(Capability.APPLY_SELECTION)
@require_POST
def document_remove(request, access, document):
    membership = services.own_membership(access)
    item = get_or_404(membership.documents.filter(is_active=True), document)
    try:
        services.provider_document_remove(access=access, document=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File removed from your profile."))
    return _profile_redirect(access)


@program_view(Capability.VIEW_PROVIDERS)
def provider_list_page(request, access):
    filters = {key: request.GET.get(key, "").strip() for key in ("industry", "status", "search")}
    page = paginate(request, provider_list(access=access, **filters))
    return render_page(
        request,
        access,
        "providers/provider_list.html",
        {
            "page": page,
            "filters": filters,
            "industries": program_selectors.industry_list(access=access, with_counts=False),
            "statuses": PoolStatus.choices,
        },
    )
