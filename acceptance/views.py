"""Acceptance pages (验收): the enterprise's request and the provider's co-signature, the bureau's panel, the
experts' rubric sheets, the financial audit, the result, the public announcement (公示) with its objections, and
the digital-level assessments of a project.

Thin like the other apps' views: each resolves its objects through the program-scoped selectors, calls a
service for any change, and renders.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from acceptance import forms, selectors, services
from acceptance.digital_level import LEVEL_NAMES
from acceptance.models import (
    AMOUNT_FIELDS,
    AcceptanceReview,
    AssessmentPhase,
    AssessmentReport,
    AuditReport,
    DigitalLevelStandard,
    FinancialAudit,
    ObjectionStatus,
    ReviewStatus,
)
from filings.models import Application, Category, Status
from filings.selectors import acts_as_implementer, acts_as_owner, application_get, application_list
from portal.core.errors import NotAllowed, PortalError
from portal.core.files import stored_file_response
from portal.core.forms import show_portal_error
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.access import member_or_public_access
from programs.web import paginate, program_view, render_page
from scoring.forms import SheetForm
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure
from supervision.selectors import acceptance_gate

# The life of a review that goes well; FAILED and ON_HOLD branch off it.
PATH = (
    ReviewStatus.REQUESTED,
    ReviewStatus.PANEL,
    ReviewStatus.SCORING,
    ReviewStatus.AUDITED,
    ReviewStatus.PASSED,
    ReviewStatus.ANNOUNCING,
    ReviewStatus.ANNOUNCED,
)
SCORING_OPEN = (ReviewStatus.PANEL, ReviewStatus.SCORING)
IN_ANNOUNCEMENT = (ReviewStatus.ANNOUNCING, ReviewStatus.ON_HOLD)
ZERO = Decimal("0")


def _review_redirect(access, review):
    return redirect("acceptance:review", program=access.program.slug, review=review.pk)


def _show(form, error: PortalError, **renamed):
    """A service's refusal on `form`, with the service's field names mapped onto the form's (`file` → `report`)."""
    fields = {renamed.get(name, name): errors for name, errors in (error.fields or {}).items()}
    show_portal_error(form, PortalError(error.message, fields=fields))


def _project(access, pk) -> Application:
    return selectors.project_get(access=access, pk=pk)


def _declared_from_lines(application) -> dict:
    """The filing's active items per acceptance category: part × software/hardware, and automation apart."""
    amounts = dict.fromkeys(AMOUNT_FIELDS, ZERO)
    for line in application.lines.filter(is_active=True):
        key = "automation" if line.category == Category.AUTOMATION else f"{line.part.lower()}_{line.category}"
        if key in amounts:
            amounts[key] += line.amount
    return amounts


# The list --------------------------------------------------------------------------------------------------


@program_view(Capability.VIEW_ACCEPTANCE)
def review_list(request, access):
    status = request.GET.get("status", "").strip()
    if status not in ReviewStatus.values:
        status = ""
    reviews = selectors.review_list(access=access, status=status)
    context = {
        "page": paginate(request, reviews),
        "status": status,
        "statuses": ReviewStatus.choices,
        "may_run": access.can(Capability.RUN_ACCEPTANCE),
        "is_enterprise": access.can(Capability.REQUEST_ACCEPTANCE),
        "is_expert": access.can(Capability.SCORE_ACCEPTANCE),
        "is_auditor": access.can(Capability.AUDIT_ACCEPTANCE),
    }
    if access.can(Capability.REQUEST_ACCEPTANCE) and access.can(Capability.VIEW_FILINGS):
        # The enterprise's completed projects with no review under way: ready to request acceptance.
        context["requestable"] = list(
            application_list(access=access)
            .filter(
                status=Status.APPROVED,
                completed_at__isnull=False,
                enterprise__organisation_id=access.user.organisation_id,
            )
            .exclude(pk__in=AcceptanceReview.objects.exclude(status=ReviewStatus.FAILED).values("application_id"))
        )
    return render_page(request, access, "acceptance/review_list.html", context)


# The request -----------------------------------------------------------------------------------------------


@program_view(Capability.REQUEST_ACCEPTANCE)
@require_http_methods(["GET", "POST"])
def review_request(request, access, application):
    project = application_get(access=access, pk=application)
    if not acts_as_owner(access, project, Capability.REQUEST_ACCEPTANCE):
        raise PermissionDenied(_("Only the enterprise of this project may request its acceptance."))
    under_way = project.acceptance_reviews.exclude(status=ReviewStatus.FAILED).first()
    if under_way is not None:
        messages.info(request, _("This project already has an acceptance review under way."))
        return _review_redirect(access, under_way)
    rubric = selectors.rubric_for(project)
    form = forms.RequestForm(request.POST or None, initial=_declared_from_lines(project))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.acceptance_request(
                access=access,
                application=project,
                deliverables=form.cleaned_data["deliverables"],
                amounts=form.amounts(),
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request, _("Acceptance requested. The provider co-signs it next, then the bureau seats the panel.")
            )
            return _review_redirect(access, review)
    structure = sheet_structure(rubric) if rubric is not None else []
    return render_page(
        request,
        access,
        "acceptance/request_form.html",
        {
            "application": project,
            "form": form,
            "rubric": rubric,
            "structure": structure,
            "rubric_points": _rubric_points(structure),
            "ready": project.status == Status.APPROVED and project.completed_at is not None,
            "failed": project.acceptance_reviews.filter(status=ReviewStatus.FAILED).first(),
            "gate": acceptance_gate(project),
        },
    )


def _rubric_points(structure) -> dict:
    items = [item for section in structure for item in section.items.all()]
    return {
        "base": sum((item.max_points for item in items if not item.is_bonus), ZERO),
        "bonus": sum((item.max_points for item in items if item.is_bonus), ZERO),
    }


# The review's page -----------------------------------------------------------------------------------------


def _steps(review, transitions):
    """The review's life as steps, each done, current or to come; a failure or a hold is shown where it
    happened."""
    status = review.status
    if status == ReviewStatus.FAILED:
        into = next((t for t in reversed(transitions) if t.to_status == ReviewStatus.FAILED), None)
        came_from = into.from_status if into is not None else ReviewStatus.AUDITED
        if came_from == ReviewStatus.ON_HOLD:
            came_from = ReviewStatus.ANNOUNCING
        reached = PATH.index(came_from) if came_from in PATH else PATH.index(ReviewStatus.AUDITED)
        steps = [{"label": value.label, "state": "done"} for value in PATH[: reached + 1]]
        return [*steps, {"label": ReviewStatus.FAILED.label, "state": "failed"}]
    here = PATH.index(ReviewStatus.ANNOUNCING if status == ReviewStatus.ON_HOLD else status)
    steps = []
    for index, value in enumerate(PATH):
        state = "done" if index < here else "current" if index == here else "todo"
        label = value.label
        if index == here and status == ReviewStatus.ON_HOLD:
            label, state = ReviewStatus.ON_HOLD.label, "hold"
        steps.append({"label": label, "state": state})
    return steps


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


def _amount_rows(review, audit):
    """Declared and audited amounts per category, with the N, X and N+X totals."""
    labels = {name: forms.AMOUNT_LABELS[name] for name in AMOUNT_FIELDS}
    declared = {name: getattr(review, f"declared_{name}") for name in AMOUNT_FIELDS}
    audited = {name: getattr(audit, name) for name in AMOUNT_FIELDS} if audit is not None else None

    def row(label, key_names, kind="line"):
        left = sum((declared[name] for name in key_names), ZERO)
        right = sum((audited[name] for name in key_names), ZERO) if audited is not None else None
        return {
            "label": label,
            "declared": left,
            "audited": right,
            "difference": right - left if right is not None else None,
            "kind": kind,
        }

    return [
        row(labels["n_software"], ["n_software"]),
        row(labels["n_hardware"], ["n_hardware"]),
        row(_("N total"), ["n_software", "n_hardware"], "sub"),
        row(labels["x_software"], ["x_software"]),
        row(labels["x_hardware"], ["x_hardware"]),
        row(_("X total"), ["x_software", "x_hardware"], "sub"),
        row(_("Investment (N + X)"), ["n_software", "n_hardware", "x_software", "x_hardware"], "total"),
        row(labels["automation"], ["automation"]),
    ]


def _review_page(request, access, review, **bound):
    application = review.application
    status = review.status
    user = access.user
    may_run = access.can(Capability.RUN_ACCEPTANCE)
    sees_all = access.can(Capability.VIEW_ALL_ENTERPRISES)
    transitions = list(review.transitions.select_related("actor"))
    seats = list(review.seats.select_related("expert__organisation", "assigned_by"))
    own_seat = (
        next((seat for seat in seats if seat.expert_id == user.pk and seat.is_active), None)
        if access.can(Capability.SCORE_ACCEPTANCE)
        else None
    )
    is_expert = own_seat is not None
    is_auditor = access.can(Capability.AUDIT_ACCEPTANCE) and review.financial_auditor_id == user.pk
    is_implementer = acts_as_implementer(access, application, Capability.COSIGN_ACCEPTANCE)
    audit = FinancialAudit.objects.filter(review=review).select_related("auditor").first()
    structure = sheet_structure(review.template)
    context = {
        "review": review,
        "application": application,
        "steps": _steps(review, transitions),
        "transitions": transitions,
        "structure": structure,
        "rubric_points": _rubric_points(structure),
        "may_run": may_run,
        "sees_all": sees_all,
        "is_owner": acts_as_owner(access, application, Capability.REQUEST_ACCEPTANCE),
        "is_implementer": is_implementer,
        "is_expert": is_expert,
        "is_auditor": is_auditor,
        "may_read_filing": access.can(Capability.VIEW_FILINGS),
        "audit": audit,
        "amount_rows": _amount_rows(review, audit),
        "active_seat_count": sum(1 for seat in seats if seat.is_active),
        "after_level": selectors.after_level(review),
        "level_names": LEVEL_NAMES,
        "today": timezone.localdate(),
    }
    if context["after_level"] is not None:
        context["after_level_name"] = LEVEL_NAMES[context["after_level"]]
    try:
        sheets = list(selectors.sheets_visible(access=access, review=review).order_by("expert__username"))
    except NotAllowed:
        sheets = None
    if sheets is not None:
        context["sheets"] = sheets
        context["sheet_table"] = _sheet_table(structure, sheets)
    by_expert = {sheet.expert_id: sheet for sheet in sheets or []}
    if sees_all or is_expert:
        context["seat_rows"] = [
            {"seat": seat, "sheet": by_expert.get(seat.expert_id)} for seat in seats if seat.is_active or sees_all
        ]
    if sees_all:
        context["conflicts"] = list(review.conflicts.select_related("expert"))
    if is_expert:
        own_sheet = by_expert.get(user.pk)
        context["own_sheet"] = own_sheet
        context["own_submitted"] = own_sheet is not None and own_sheet.status == SheetStatus.SUBMITTED
        context["scoring_open"] = status in SCORING_OPEN
        if status in SCORING_OPEN and not context["own_submitted"]:
            context["conflict_form"] = bound.get("conflict_form") or forms.ConflictForm()
    if is_auditor and audit is None and status in SCORING_OPEN:
        initial = {name: getattr(review, f"declared_{name}") for name in AMOUNT_FIELDS}
        context["audit_form"] = bound.get("audit_form") or forms.AuditForm(initial=initial)
    if may_run:
        if status == ReviewStatus.REQUESTED:
            context["panel_form"] = bound.get("panel_form") or forms.PanelForm(program=access.program)
        if status in SCORING_OPEN:
            context["replace_form"] = bound.get("replace_form") or forms.ReplaceForm(review=review)
        if status == ReviewStatus.PASSED:
            context["announce_form"] = bound.get("announce_form") or forms.AnnounceForm(program=access.program)
        if status in IN_ANNOUNCEMENT:
            context["objection_form"] = bound.get("objection_form") or forms.ObjectionForm()
    if status == ReviewStatus.AUDITED and sees_all:
        context["preview"] = selectors.review_result(review)
    if sees_all or may_run:
        objections = list(review.objections.select_related("recorded_by", "resolved_by"))
        resolving = bound.get("resolve_form")
        for item in objections:
            if may_run and item.status == ObjectionStatus.OPEN and status in IN_ANNOUNCEMENT:
                item.form = (
                    resolving
                    if resolving is not None and bound.get("resolve_pk") == item.pk
                    else forms.ResolveForm(auto_id=f"id_o{item.pk}_%s")
                )
        context["objections"] = objections
    else:
        context["open_objections"] = review.objections.filter(status=ObjectionStatus.OPEN).count()
    context["report_files"] = list(review.report_files.all())
    job = request.GET.get("report_job", "")
    context["report_job"] = review.report_jobs.filter(pk=int(job)).first() if job.isdigit() else None
    if audit is not None:
        context["reports"] = list(audit.reports.filter(is_active=True))
        try:
            version, result = selectors.review_estimate(review)
        except PortalError as error:
            context["estimate_error"] = error.message
        else:
            context["estimate"], context["estimate_version"] = result, version
    return render_page(request, access, "acceptance/review_detail.html", context)


@program_view(Capability.VIEW_ACCEPTANCE)
def review_detail(request, access, review):
    return _review_page(request, access, selectors.review_get(access=access, pk=review))


@program_view(Capability.COSIGN_ACCEPTANCE)
@require_POST
def cosign(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    try:
        services.acceptance_cosign(access=access, review=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Request co-signed. The bureau seats the panel next."))
    return _review_redirect(access, item)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def panel(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.PanelForm(request.POST, program=access.program)
    if form.is_valid():
        try:
            services.panel_assign(
                access=access,
                review=item,
                experts=list(form.cleaned_data["experts"]),
                financial_auditor=form.cleaned_data["financial_auditor"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Panel seated. The experts score the project; the auditor records the audit."))
            return _review_redirect(access, item)
    messages.error(request, _("The panel is not seated; see the panel form."))
    return _review_page(request, access, item, panel_form=form)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def replace(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.ReplaceForm(request.POST, review=item)
    if form.is_valid():
        try:
            seat = services.panel_replace(access=access, review=item, expert=form.cleaned_data["expert"])
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("%(expert)s sits on the panel.") % {"expert": seat.expert})
            return _review_redirect(access, item)
    messages.error(request, _("The expert is not seated; see the panel form."))
    return _review_page(request, access, item, replace_form=form)


@program_view(Capability.SCORE_ACCEPTANCE)
@require_POST
def conflict(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of link you have with the project."))
        return _review_redirect(access, item)
    try:
        services.expert_conflict_declare(
            access=access, review=item, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"]
        )
    except PortalError as error:
        messages.error(request, error.message)
        return _review_redirect(access, item)
    messages.success(
        request,
        _("Link to “%(project)s” declared: you leave its panel and the bureau seats another expert.")
        % {"project": item.application.title},
    )
    # Off the panel, the expert no longer reads the review.
    return redirect("acceptance:reviews", program=access.program.slug)


@program_view(Capability.SCORE_ACCEPTANCE)
@require_http_methods(["GET", "POST"])
def sheet(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    if not item.seats.filter(expert=access.user, is_active=True).exists():
        raise PermissionDenied(_("You are not on this project's panel."))
    structure = sheet_structure(item.template)
    own = item.sheets.filter(expert=access.user).prefetch_related("scores").first()
    initial = {"comment": own.comment, **{f"item_{s.item_id}": s.points for s in own.scores.all()}} if own else {}
    form = SheetForm(request.POST or None, initial=initial, structure=structure)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("submit") == "1"
        try:
            saved = services.expert_sheet_save(
                access=access,
                review=item,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            if submit:
                messages.success(
                    request, _("Sheet submitted. It is final; the other experts' submitted sheets are shown now.")
                )
                return _review_redirect(access, item)
            messages.success(
                request,
                _("Draft saved (total %(total)s). Submit it when every item is scored.") % {"total": saved.total},
            )
            return redirect("acceptance:sheet", program=access.program.slug, review=item.pk)
    editable = item.status in SCORING_OPEN and (own is None or own.status != SheetStatus.SUBMITTED)
    return render_page(
        request,
        access,
        "acceptance/sheet_form.html",
        {
            "review": item,
            "application": item.application,
            "form": form,
            "own": own,
            "editable": editable,
            "sheet_table": _sheet_table(structure, [own]) if own and not editable else None,
            "rubric_points": _rubric_points(structure),
        },
    )


@program_view(Capability.AUDIT_ACCEPTANCE)
@require_POST
def audit(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.AuditForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.audit_record(
                access=access,
                review=item,
                amounts=form.amounts(),
                conclusion=form.cleaned_data["conclusion"],
                report=form.cleaned_data["report"],
            )
        except PortalError as error:
            _show(form, error, file="report")
        else:
            messages.success(request, _("Audit recorded. The audited amounts are the base of the subsidy."))
            return _review_redirect(access, item)
    messages.error(request, _("The audit is not recorded; see the audit form."))
    return _review_page(request, access, item, audit_form=form)


@program_view(Capability.VIEW_ACCEPTANCE)
def audit_report(request, access, review, report):
    """The only way an audit report leaves the server: for people who may see the review."""
    item = selectors.review_get(access=access, pk=review)
    return stored_file_response(get_or_404(AuditReport.objects.filter(audit__review=item, is_active=True), report))


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def close(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    try:
        closed = services.review_close(access=access, review=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        if closed.status == ReviewStatus.PASSED:
            messages.success(
                request, _("Passed with %(score)s. Open the public announcement next.") % {"score": closed.score}
            )
        else:
            messages.warning(request, _("Failed with %(score)s.") % {"score": closed.score})
    return _review_redirect(access, item)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def announce(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.AnnounceForm(request.POST, program=access.program)
    if form.is_valid():
        try:
            announced = services.announcement_open(access=access, review=item, starts_on=form.cleaned_data["starts_on"])
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("The project is in public announcement until %(date)s.")
                % {"date": announced.announcement_ends_on.isoformat()},
            )
            return _review_redirect(access, item)
    messages.error(request, _("The announcement is not opened; see the announcement form."))
    return _review_page(request, access, item, announce_form=form)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def objection(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_record(
                access=access, review=item, raised_by=form.cleaned_data["raised_by"], text=form.cleaned_data["text"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request, _("Objection recorded. The project is on hold until every objection is resolved.")
            )
            return _review_redirect(access, item)
    messages.error(request, _("The objection is not recorded; see the objection form."))
    return _review_page(request, access, item, objection_form=form)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def resolve(request, access, review, objection):
    item = selectors.review_get(access=access, pk=review)
    target = get_or_404(item.objections.all(), objection)
    form = forms.ResolveForm(request.POST, auto_id=f"id_o{target.pk}_%s")
    if form.is_valid():
        try:
            services.objection_resolve(
                access=access, objection=target, upheld=form.upheld, resolution=form.cleaned_data["resolution"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            item.refresh_from_db(fields=["status"])
            if form.upheld:
                messages.warning(request, _("Objection upheld: the project fails acceptance."))
            elif item.status == ReviewStatus.ON_HOLD:
                messages.success(request, _("Objection dismissed. Other objections are still open."))
            else:
                messages.success(
                    request,
                    _("Objection dismissed. The project is “%(status)s”.") % {"status": item.get_status_display()},
                )
            return _review_redirect(access, item)
    messages.error(request, _("The objection is not resolved; see its form."))
    return _review_page(request, access, item, resolve_form=form, resolve_pk=target.pk)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def conclude(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    try:
        done = services.announcements_conclude(access=access)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        if done:
            messages.success(
                request,
                _("%(count)d ended announcement(s) concluded: the projects are ready for subsidy.") % {"count": done},
            )
        else:
            messages.info(request, _("No announcement has ended without an open objection yet."))
    return _review_redirect(access, item)


# The public announcement ----------------------------------------------------------------------------------


def announcement(request, program):
    """The public announcement (公示): everyone with a role in the program, and the public when it is public."""
    access = member_or_public_access(request=request, slug=program, capability=Capability.VIEW_ANNOUNCEMENT)
    if access is None:
        return redirect_to_login(request.get_full_path())
    reviews = list(selectors.announcement_list(program=access.program))
    estimates = selectors.announcement_estimates(reviews, program=access.program)
    rows = []
    for review in reviews:
        result, why = estimates[review.pk]
        row = {
            "review": review,
            "application": review.application,
            "audit": getattr(review, "audit", None),
            "subsidy": None,
            "reason": why,
        }
        if result is not None:
            row["subsidy"] = result.total
            row["eligible"] = result.eligible
            row["reason"] = "；".join(str(reason) for reason in result.reasons)
        rows.append(row)
    return render_page(
        request,
        access,
        "acceptance/announcement.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "sees_all": access.can(Capability.VIEW_ALL_ENTERPRISES),
            "may_run": access.can(Capability.RUN_ACCEPTANCE),
        },
    )


# Digital-level assessments ---------------------------------------------------------------------------------


def _assessments_page(request, access, project, form=None):
    assessments = list(
        project.digital_assessments.select_related("assessor").prefetch_related(
            Prefetch("reports", queryset=AssessmentReport.objects.filter(is_active=True), to_attr="active_reports")
        )
    )
    for item in assessments:
        item.level_name = LEVEL_NAMES.get(item.level, item.level)
    standards = list(DigitalLevelStandard.objects.filter(program=access.program).order_by("level"))
    for standard in standards:
        standard.level_name = LEVEL_NAMES.get(standard.level, standard.level)
    may_assess = access.can(Capability.ASSESS_LEVEL)
    context = {
        "application": project,
        "phases": [
            {
                "value": value,
                "label": label,
                "assessments": [item for item in assessments if item.phase == value],
            }
            for value, label in AssessmentPhase.choices
        ],
        "standards": standards,
        "may_assess": may_assess,
        "may_read_filing": access.can(Capability.VIEW_FILINGS),
        "review": selectors.review_list(access=access).filter(application=project).first(),
    }
    if may_assess and standards:
        context["form"] = form or forms.AssessmentForm()
    return render_page(request, access, "acceptance/assessments.html", context)


@program_view(Capability.VIEW_ACCEPTANCE)
def assessments(request, access, application):
    return _assessments_page(request, access, _project(access, application))


@program_view(Capability.ASSESS_LEVEL)
@require_POST
def assessment_new(request, access, application):
    project = _project(access, application)
    form = forms.AssessmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            recorded = services.assessment_record(
                access=access,
                application=project,
                phase=form.cleaned_data["phase"],
                assessed_on=form.cleaned_data["assessed_on"],
                basics=form.cleaned_data["basics"],
                management=form.cleaned_data["management"],
                results=form.cleaned_data["results"],
                scene_levels=form.scene_levels(),
                report=form.cleaned_data["report"],
            )
        except PortalError as error:
            _show(form, error, file="report")
        else:
            messages.success(
                request,
                _("Assessment recorded: %(level)s (%(score)s points).")
                % {"level": LEVEL_NAMES.get(recorded.level, recorded.level), "score": recorded.score},
            )
            return redirect("acceptance:assessments", program=access.program.slug, application=project.pk)
    messages.error(request, _("The assessment is not recorded; see the form."))
    return _assessments_page(request, access, project, form=form)


@program_view(Capability.VIEW_ACCEPTANCE)
def assessment_report(request, access, application, assessment, assessment_report):
    project = _project(access, application)
    item = get_or_404(project.digital_assessments.all(), assessment)
    return stored_file_response(get_or_404(item.reports.filter(is_active=True), assessment_report))
