"""Implementation pages (lifecycle step 4): a project's milestones and progress updates with evidence, the
enterprise's answers, rating and complaints, the bureau's milestone changes and complaint decisions."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from filings.models import Status
from filings.selectors import acts_as_implementer, acts_as_owner, application_get
from implementation import forms, selectors, services
from implementation.models import ComplaintStatus
from policies.selectors import active_track_list
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.roles import Capability
from programs.web import paginate, program_view, render_page


def _back(access, application):
    return redirect("implementation:progress", program=access.program.slug, application=application.pk)


def _in_implementation(application) -> bool:
    return application.status == Status.APPROVED and application.completed_at is None


def _own_parts(access, parts) -> list:
    """The parts of the project the caller's organisation holds as a subcontractor (empty for anyone else)."""
    if not access.can(Capability.POST_PROGRESS) or access.user.organisation_id is None:
        return []
    return [part for part in parts if part.membership.organisation_id == access.user.organisation_id]


def _add_errors(form, error: PortalError):
    """A service's refusal on the form: on its fields where the form has them, else above the form."""
    placed = False
    for name, errors in error.fields.items():
        if name in form.fields:
            form.add_error(name, errors)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@program_view(Capability.VIEW_FILINGS)
def progress(request, access, application):
    instance = application_get(access=access, pk=application)
    today = timezone.localdate()
    milestones = selectors.project_milestones(instance)
    active = _in_implementation(instance)
    for milestone in milestones:
        milestone.is_late = active and milestone.due_on < today and milestone.percent < 100
    is_implementer = acts_as_implementer(access, instance, Capability.POST_PROGRESS)
    is_owner = acts_as_owner(access, instance, Capability.CONFIRM_PROGRESS)
    parts = list(selectors.project_parts(instance))
    own_parts = _own_parts(access, parts)
    rating = selectors.project_rating(application=instance)
    complaints = selectors.complaint_list(access=access).filter(application=instance)
    return render_page(
        request,
        access,
        "implementation/progress.html",
        {
            "application": instance,
            "milestones": milestones,
            "percent": selectors.project_percent(milestones),
            "posts": list(selectors.project_posts(instance)) if instance.status == Status.APPROVED else [],
            "in_implementation": active,
            "is_implementer": is_implementer,
            "is_owner": is_owner,
            "parts": parts,
            "own_parts": own_parts,
            "may_post": (is_implementer or bool(own_parts)) and active and bool(milestones),
            "may_answer": is_owner and active,
            "may_manage": access.can(Capability.MANAGE_IMPLEMENTATION) and active,
            "may_rate": is_owner and instance.completed_at is not None and rating is None,
            "may_complain": is_owner and instance.status == Status.APPROVED and instance.provider_id is not None,
            "rating": rating,
            "complaints": complaints,
            "next_milestone": next((m for m in milestones if m.percent < 100), None),
            "stars": range(1, 6),
            "stars_desc": range(5, 0, -1),
            "max_files": services.MAX_EVIDENCE_FILES,
        },
    )


@program_view(Capability.POST_PROGRESS)
@require_POST
def post_create(request, access, application):
    instance = application_get(access=access, pk=application)
    form = forms.ProgressPostForm(
        request.POST,
        milestones=instance.milestones.filter(is_active=True),
        parts=instance.subcontracts.filter(is_active=True),
    )
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(access, instance)
    try:
        services.progress_post(
            access=access,
            application=instance,
            milestone=form.cleaned_data["milestone"],
            percent=form.cleaned_data["percent"],
            text=form.cleaned_data["text"],
            uploads=request.FILES.getlist("files"),
            claims_completion=form.cleaned_data["claims_completion"],
            subcontract=form.cleaned_data["subcontract"],
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Update posted. The enterprise is asked to confirm it."))
    return _back(access, instance)


@program_view(Capability.CONFIRM_PROGRESS)
@require_POST
def post_respond(request, access, application, post):
    instance = application_get(access=access, pk=application)
    item = selectors.post_get(instance, post)
    form = forms.RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The answer could not be read; reload the page and try again."))
        return _back(access, instance)
    confirm = form.cleaned_data["decision"] == "confirm"
    try:
        services.progress_respond(access=access, post=item, confirm=confirm, response=form.cleaned_data["response"])
    except PortalError as error:
        messages.error(request, error.message)
    else:
        instance.refresh_from_db(fields=["completed_at"])
        if not confirm:
            messages.success(request, _("Update disputed. The provider reads your answer."))
        elif instance.completed_at is not None:
            messages.success(request, _("Update confirmed. The project's implementation is complete."))
        else:
            messages.success(request, _("Update confirmed."))
    return _back(access, instance)


@program_view(Capability.VIEW_FILINGS)
def evidence_download(request, access, application, post, evidence):
    """The only way progress evidence leaves the server: for people who may read the project."""
    instance = application_get(access=access, pk=application)
    return stored_file_response(selectors.evidence_get(instance, post, evidence), inline=True)


@program_view(Capability.MANAGE_IMPLEMENTATION)
@require_http_methods(["GET", "POST"])
def milestone_edit(request, access, application, milestone=None):
    """Rename or reschedule a milestone of the project (`milestone` given), or add one."""
    instance = application_get(access=access, pk=application)
    item = selectors.milestone_get(instance, milestone) if milestone is not None else None
    if not _in_implementation(instance):
        messages.error(request, _("Milestones can be changed only while the project is in implementation."))
        return _back(access, instance)
    initial = {"name": item.name, "due_on": item.due_on} if item else {}
    form = forms.MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_save(
                access=access,
                application=instance,
                milestone=item,
                name=form.cleaned_data["name"],
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Milestone saved. The change is in its history."))
            return _back(access, instance)
    return render_page(
        request,
        access,
        "implementation/milestone_form.html",
        {"application": instance, "milestone": item, "form": form},
    )


@program_view(Capability.CONFIRM_PROGRESS)
@require_POST
def rate(request, access, application):
    instance = application_get(access=access, pk=application)
    form = forms.RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give 1 to 5 stars."))
        return _back(access, instance)
    try:
        services.rating_give(
            access=access, application=instance, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Your rating is recorded."))
    return _back(access, instance)


@program_view(Capability.CONFIRM_PROGRESS)
@require_POST
def complain(request, access, application):
    instance = application_get(access=access, pk=application)
    form = forms.ComplaintForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return _back(access, instance)
    try:
        services.complaint_file(access=access, application=instance, text=form.cleaned_data["text"])
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Complaint filed. The bureau decides on it and records its reasons."))
    return _back(access, instance)


@program_view(Capability.VIEW_FILINGS)
def complaints(request, access):
    status = request.GET.get("status", "")
    if status not in ComplaintStatus.values:
        status = ""
    rows = selectors.complaint_list(access=access, status=status).order_by("-created_at", "-id")
    page = paginate(request, rows)
    return render_page(
        request,
        access,
        "implementation/complaint_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ComplaintStatus.choices,
            "may_decide": access.can(Capability.MANAGE_IMPLEMENTATION),
            "may_read_all": access.can(Capability.VIEW_ALL_ENTERPRISES),
        },
    )


@program_view(Capability.MANAGE_IMPLEMENTATION)
@require_POST
def complaint_decide(request, access, complaint):
    item = selectors.complaint_get(access=access, pk=complaint)
    form = forms.ComplaintDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The decision could not be read; reload the page and try again."))
    else:
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            services.complaint_decide(access=access, complaint=item, confirm=confirm, note=form.cleaned_data["note"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Complaint confirmed: it counts against the provider.") if confirm else _("Complaint dismissed."),
            )
    return redirect("implementation:complaints", program=access.program.slug)


@program_view(Capability.VIEW_REFERENCE)
def milestone_templates(request, access):
    """The program's default milestones per track, copied onto each project of the track at approval."""
    may_configure = access.can(Capability.CONFIGURE)
    rows = selectors.milestone_template_list(access=access, include_inactive=may_configure)
    tracks = active_track_list(program=access.program)
    names = {track.code: track.name for track in tracks}
    grouped = {code: [] for code in names}
    for row in rows:
        grouped.setdefault(row.track, []).append(row)
    groups = [{"code": code, "name": names.get(code, ""), "templates": items} for code, items in grouped.items()]
    return render_page(
        request,
        access,
        "implementation/milestone_templates.html",
        {"groups": groups, "may_configure": may_configure},
    )
