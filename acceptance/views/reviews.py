"""The reviews: the list, the enterprise's request, the review's page and the provider's co-signature."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from acceptance import forms, selectors, services
from acceptance.digital_level import LEVEL_NAMES
from acceptance.models import AMOUNT_FIELDS, ObjectionStatus, ReviewStatus
from acceptance.views.common import (
    IN_ANNOUNCEMENT,
    SCORING_OPEN,
    ZERO,
    review_redirect,
    rubric_points,
)
from filings.models import Status
from filings.selectors import acts_as_owner, application_get
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.web import paginate, program_view, render_page
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure
from scoring.sheets import sheet_table
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
        context["requestable"] = list(selectors.requestable_projects(access=access))
    return render_page(request, access, "acceptance/review_list.html", context)


# The request -----------------------------------------------------------------------------------------------


@program_view(Capability.REQUEST_ACCEPTANCE)
@require_http_methods(["GET", "POST"])
def review_request(request, access, application):
    project = application_get(access=access, pk=application)
    if not acts_as_owner(access, project, Capability.REQUEST_ACCEPTANCE):
        raise PermissionDenied(_("Only the enterprise of this project may request its acceptance."))
    under_way = selectors.review_under_way(project)
    if under_way is not None:
        messages.info(request, _("This project already has an acceptance review under way."))
        return review_redirect(access, under_way)
    rubric = selectors.rubric_for(project)
    form = forms.RequestForm(request.POST or None, initial=selectors.declared_from_lines(project))
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
            return review_redirect(access, review)
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
            "rubric_points": rubric_points(structure),
            "ready": project.status == Status.APPROVED and project.completed_at is not None,
            "failed": selectors.review_failed(project),
            "gate": acceptance_gate(project),
        },
    )


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


def _head_context(access, page) -> dict:
    """The review, its steps, who the caller is on it, the amounts and the reports."""
    review = page.review
    context = {
        "review": review,
        "application": review.application,
        "steps": _steps(review, page.transitions),
        "transitions": page.transitions,
        "structure": page.structure,
        "rubric_points": rubric_points(page.structure),
        "may_run": page.may_run,
        "sees_all": page.sees_all,
        "is_owner": page.is_owner,
        "is_implementer": page.is_implementer,
        "is_expert": page.is_expert,
        "is_auditor": page.is_auditor,
        "may_read_filing": access.can(Capability.VIEW_FILINGS),
        "audit": page.audit,
        "amount_rows": _amount_rows(review, page.audit),
        "active_seat_count": sum(1 for seat in page.seats if seat.is_active),
        "after_level": page.after_level,
        "level_names": LEVEL_NAMES,
        "today": timezone.localdate(),
        "report_files": page.report_files,
        "report_job": page.report_job,
    }
    if page.after_level is not None:
        context["after_level_name"] = LEVEL_NAMES[page.after_level]
    if page.reports is not None:
        context["reports"] = page.reports
        if page.estimate is not None:
            context["estimate_version"], context["estimate"] = page.estimate
        else:
            context["estimate_error"] = page.estimate_error
    return context


def _panel_context(access, page) -> dict:
    """The sheets the caller reads, the seats with their sheets, declared links and the expert's own sheet."""
    context = {}
    if page.sheets is not None:
        context["sheets"] = page.sheets
        context["sheet_table"] = sheet_table(page.structure, page.sheets)
    by_expert = {sheet.expert_id: sheet for sheet in page.sheets or []}
    if page.sees_all or page.is_expert:
        context["seat_rows"] = [
            {"seat": seat, "sheet": by_expert.get(seat.expert_id)}
            for seat in page.seats
            if seat.is_active or page.sees_all
        ]
    if page.conflicts is not None:
        context["conflicts"] = page.conflicts
    if page.preview is not None:
        context["preview"] = page.preview
    if page.is_expert:
        own_sheet = by_expert.get(access.user.pk)
        context["own_sheet"] = own_sheet
        context["own_submitted"] = own_sheet is not None and own_sheet.status == SheetStatus.SUBMITTED
        context["scoring_open"] = page.review.status in SCORING_OPEN
    return context


def _action_context(access, page, bound, own_submitted) -> dict:
    """The forms and buttons of the steps the caller may take now; `bound`: a form sent back with its errors."""
    review, status = page.review, page.review.status
    context = {}
    if page.is_expert and status in SCORING_OPEN and not own_submitted:
        context["conflict_form"] = bound.get("conflict_form") or forms.ConflictForm()
    if page.is_auditor and page.audit is None and status in SCORING_OPEN:
        initial = {name: getattr(review, f"declared_{name}") for name in AMOUNT_FIELDS}
        context["audit_form"] = bound.get("audit_form") or forms.AuditForm(initial=initial)
    if page.may_run:
        if status == ReviewStatus.REQUESTED:
            context["panel_form"] = bound.get("panel_form") or forms.PanelForm(program=access.program)
        if status in SCORING_OPEN:
            context["replace_form"] = bound.get("replace_form") or forms.ReplaceForm(review=review)
        if status == ReviewStatus.PASSED:
            context["announce_form"] = bound.get("announce_form") or forms.AnnounceForm(program=access.program)
        if status in IN_ANNOUNCEMENT:
            context["objection_form"] = bound.get("objection_form") or forms.ObjectionForm()
    return context


def _objection_context(page, bound) -> dict:
    """Every objection (an open one with its resolve form for those who run acceptance), or how many are open."""
    if page.objections is None:
        return {"open_objections": page.open_objections}
    resolving = bound.get("resolve_form")
    for item in page.objections:
        if page.may_run and item.status == ObjectionStatus.OPEN and page.review.status in IN_ANNOUNCEMENT:
            item.form = (
                resolving
                if resolving is not None and bound.get("resolve_pk") == item.pk
                else forms.ResolveForm(auto_id=f"id_o{item.pk}_%s")
            )
    return {"objections": page.objections}


def render_review(request, access, review, **bound):
    """The review's page; `bound`: a form of one of its steps sent back with its errors."""
    page = selectors.review_page(access=access, review=review, report_job=request.GET.get("report_job", ""))
    context = {**_head_context(access, page), **_panel_context(access, page)}
    context |= _action_context(access, page, bound, context.get("own_submitted", False))
    context |= _objection_context(page, bound)
    return render_page(request, access, "acceptance/review_detail.html", context)


@program_view(Capability.VIEW_ACCEPTANCE)
def review_detail(request, access, review):
    return render_review(request, access, selectors.review_get(access=access, pk=review))


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
    return review_redirect(access, item)
