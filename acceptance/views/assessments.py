"""A project's digital-level assessments: the page with the program's standards, recording one, its reports."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acceptance import forms, selectors, services
from acceptance.digital_level import LEVEL_NAMES
from acceptance.models import AssessmentPhase
from acceptance.views.common import show_renamed
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.roles import Capability
from programs.web import program_view, render_page


def _assessments_page(request, access, project, form=None):
    assessments = selectors.assessment_list(project)
    standards = selectors.level_standards(access.program)
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
        "review": selectors.project_review(access=access, application=project),
    }
    if may_assess and standards:
        context["form"] = form or forms.AssessmentForm()
    return render_page(request, access, "acceptance/assessments.html", context)


@program_view(Capability.VIEW_ACCEPTANCE)
def assessments(request, access, application):
    return _assessments_page(request, access, selectors.project_get(access=access, pk=application))


@program_view(Capability.ASSESS_LEVEL)
@require_POST
def assessment_new(request, access, application):
    project = selectors.project_get(access=access, pk=application)
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
            show_renamed(form, error, file="report")
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
    project = selectors.project_get(access=access, pk=application)
    return stored_file_response(
        selectors.assessment_report_get(application=project, assessment=assessment, pk=assessment_report)
    )
