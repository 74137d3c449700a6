"""Supervision pages (全过程监理): the list of supervised projects, the bureau's assignment form, a project's
supervision (assignment, inspections with photos, rectifications and their steps) with the forms each party
acts through. Thin: each resolves its objects through the selectors, calls a service, and redirects."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from filings.models import Status
from portal.core.errors import NotAllowed, PortalError
from portal.core.files import stored_file_response
from portal.core.forms import first_error, show_portal_error
from portal.core.roles import Capability, Role
from programs.web import paginate, program_view, render_page
from supervision import forms, selectors, services
from supervision.models import RectificationStatus


def _back(access, application_id):
    return redirect("supervision:project", program=access.program.slug, application=application_id)


@program_view(Capability.VIEW_SUPERVISION)
def assignments(request, access):
    staff = access.can(Capability.VIEW_ALL_ENTERPRISES)
    filters = {key: request.GET.get(key, "").strip() for key in ("state", "firm", "open", "search")}
    if filters["state"] not in selectors.ASSIGNMENT_STATES:
        filters["state"] = "active"
    rows = selectors.assignment_list(access=access, filters=filters)
    page = paginate(request, rows)
    return render_page(
        request,
        access,
        "supervision/list.html",
        {
            "page": page,
            "filters": filters,
            "staff": staff,
            "firms": list(selectors.firm_choices(program=access.program)) if staff else [],
            "is_firm": Role.SUPERVISION_FIRM in access.roles,
            "may_assign": access.can(Capability.ASSIGN_SUPERVISION),
        },
    )


@program_view(Capability.ASSIGN_SUPERVISION)
@require_http_methods(["GET", "POST"])
def assign(request, access):
    initial = {}
    if request.GET.get("application", "").isdigit():
        initial["application"] = request.GET["application"]
    form = forms.AssignForm(request.POST or None, program=access.program, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(
                access=access,
                application=form.cleaned_data["application"],
                organisation=form.cleaned_data["organisation"],
                note=form.cleaned_data["note"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("%(firm)s now supervises %(project)s.")
                % {"firm": assignment.organisation.name, "project": assignment.application.title},
            )
            return _back(access, assignment.application_id)
    return render_page(request, access, "supervision/assign_form.html", {"form": form})


@program_view(Capability.ASSIGN_SUPERVISION)
@require_POST
def assignment_end(request, access, supervision_assignment):
    item = selectors.assignment_get(access=access, pk=supervision_assignment)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            services.assignment_end(access=access, assignment=item, reason=form.cleaned_data["reason"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The assignment of %(firm)s has ended.") % {"firm": item.organisation.name})
    return _back(access, item.application_id)


@program_view(Capability.VIEW_SUPERVISION)
def project(request, access, application):
    instance = selectors.project_get(access=access, pk=application)
    supervision = selectors.project_supervision(instance)
    active = supervision.active
    is_firm = bool(
        access.can(Capability.SUPERVISE) and active and active.organisation_id == access.user.organisation_id
    )
    is_provider = bool(
        access.can(Capability.ANSWER_RECTIFICATION)
        and instance.provider is not None
        and instance.provider.organisation_id == access.user.organisation_id
    )
    approved = instance.status == Status.APPROVED
    return render_page(
        request,
        access,
        "supervision/project.html",
        {
            "application": instance,
            "supervision": supervision,
            "is_firm": is_firm,
            "is_provider": is_provider,
            "may_inspect": is_firm and approved,
            "may_assign": access.can(Capability.ASSIGN_SUPERVISION) and approved and active is None,
            "may_end": access.can(Capability.ASSIGN_SUPERVISION) and active is not None,
            "may_waive": access.can(Capability.WAIVE_RECTIFICATION),
            "OPEN": RectificationStatus.OPEN,
            "ANSWERED": RectificationStatus.ANSWERED,
            "CLOSED": RectificationStatus.CLOSED,
        },
    )


@program_view(Capability.SUPERVISE)
@require_http_methods(["GET", "POST"])
def inspection_new(request, access, application):
    instance = selectors.project_get(access=access, pk=application)
    form = forms.InspectionForm(request.POST or None, initial={"inspected_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_record(
                access=access,
                application=instance,
                inspected_on=form.cleaned_data["inspected_on"],
                findings=form.cleaned_data["findings"],
                uploads=request.FILES.getlist("photos"),
                rectifications=form.requests(),
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Inspection recorded."))
            return _back(access, instance.pk)
    return render_page(
        request,
        access,
        "supervision/inspection_form.html",
        {"application": instance, "form": form, "max_photos": services.MAX_PHOTOS},
    )


@program_view(Capability.VIEW_SUPERVISION)
def photo(request, access, application, inspection, photo):
    """The only way an inspection photo leaves the server: for people who may read the project's supervision."""
    instance = selectors.project_get(access=access, pk=application)
    return stored_file_response(
        selectors.photo_get(application=instance, inspection=inspection, photo=photo), inline=True
    )


def _rectification_action(request, access, application, rectification, form_class, call, done):
    instance = selectors.project_get(access=access, pk=application)
    item = selectors.rectification_get(access=access, application=instance, pk=rectification)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            call(access=access, rectification=item, **form.cleaned_data)
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    return _back(access, instance.pk)


@program_view(Capability.ANSWER_RECTIFICATION)
@require_POST
def rectification_answer(request, access, application, rectification):
    return _rectification_action(
        request,
        access,
        application,
        rectification,
        forms.AnswerForm,
        services.rectification_answer,
        _("Answer sent. The supervision firm checks it."),
    )


@program_view(Capability.SUPERVISE)
@require_POST
def rectification_close(request, access, application, rectification):
    return _rectification_action(
        request,
        access,
        application,
        rectification,
        forms.CloseForm,
        services.rectification_close,
        _("Rectification closed."),
    )


@program_view(Capability.SUPERVISE)
@require_POST
def rectification_reopen(request, access, application, rectification):
    return _rectification_action(
        request,
        access,
        application,
        rectification,
        forms.ReasonForm,
        services.rectification_reopen,
        _("Sent back to the provider."),
    )


@program_view(Capability.WAIVE_RECTIFICATION)
@require_POST
def rectification_waive(request, access, application, rectification):
    return _rectification_action(
        request,
        access,
        application,
        rectification,
        forms.ReasonForm,
        services.rectification_waive,
        _("Waiver recorded: acceptance may be requested despite this request."),
    )
