"""The program's landing page, its configuration pages and every record's history page, and the portal's home
and program chooser: the pages that read every app, so they live on top of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from dashboard import selectors
from enterprises.models import EnterpriseProfile
from enterprises.pilot_selectors import pilot_summary
from enterprises.selectors import enterprise_list
from filings.selectors import application_list
from implementation.forms import MilestoneTemplateForm
from implementation.models import MilestoneTemplate
from implementation.selectors import overdue_count, provider_standing
from policies.models import PolicyVersion
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.history import history_entries
from portal.core.roles import Capability
from programs import forms, services
from programs import selectors as program_selectors
from programs.access import programs_for_user
from programs.models import Batch, CalendarDay, Industry, Program, RoleAssignment, ScenarioModule
from programs.web import program_view, render_page
from providers.models import PoolMembership, RoundStatus
from providers.selectors import provider_list, round_list
from subsidies.models import (
    AwardDecision,
    CalculationRun,
    CarriedFunding,
    FundingPool,
    Payment,
    PoolAllocation,
    RunCorrection,
)


@login_required
def home(request):
    """Straight to the last program used, or the only one; otherwise the chooser."""
    programs = list(programs_for_user(user=request.user))
    slugs = [program.slug for program in programs]
    last = request.session.get("last_program")
    if last in slugs:
        return redirect("dashboard:index", program=last)
    if len(programs) == 1:
        return redirect("dashboard:index", program=slugs[0])
    return render(request, "core/program_chooser.html", {"programs": programs})


@login_required
def program_chooser(request):
    return render(request, "core/program_chooser.html", {"programs": list(programs_for_user(user=request.user))})


@program_view()
def dashboard(request, access):
    context = {"counts": selectors.program_counts(program=access.program)}
    if access.can(Capability.VIEW_ROLLUP):
        context["rollup"] = list(selectors.rollup_programs(access=access))
    if access.can(Capability.VIEW_OWN_ENTERPRISE) and not access.can(Capability.VIEW_ALL_ENTERPRISES):
        context["own_enterprises"] = list(enterprise_list(access=access))
    if access.can(Capability.APPLY_SELECTION):
        membership = provider_list(access=access).filter(organisation_id=access.user.organisation_id).first()
        if membership is not None:
            context["own_membership"] = membership
            context["standing"] = provider_standing(membership)
            context["open_rounds"] = round_list(access=access).filter(status=RoundStatus.OPEN).count()
    if access.can(Capability.VIEW_MEMBERS):
        context["member_count"] = program_selectors.role_assignment_list(access=access).count()
    if access.can(Capability.VIEW_FILINGS):
        # Staff count the program's overdue projects; an enterprise or a provider counts only its own.
        context["overdue_count"] = (
            overdue_count(program=access.program)
            if access.can(Capability.VIEW_ALL_ENTERPRISES)
            else application_list(access=access, filters={"overdue": True}).count()
        )
    context["pilots"] = pilot_summary(program=access.program) if access.can(Capability.VIEW_ALL_ENTERPRISES) else None
    context["industries"] = list(selectors.industry_figures(access=access))
    context["batches"] = list(program_selectors.batch_list(access=access))
    return render_page(request, access, "dashboard/dashboard.html", context)


@program_view(Capability.VIEW_REFERENCE)
def industries(request, access):
    rows = selectors.industry_figures(access=access, include_inactive=access.can(Capability.CONFIGURE))
    return render_page(request, access, "programs/industry_list.html", {"industries": rows})


CONFIG_FORMS = {
    "industry": (Industry, forms.IndustryForm, "dashboard:industries", gettext_lazy("industry")),
    "scenario": (ScenarioModule, forms.ScenarioModuleForm, "programs:scenarios", gettext_lazy("scenario module")),
    "batch": (Batch, forms.BatchForm, "programs:calendar", gettext_lazy("batch")),
    "day": (CalendarDay, forms.CalendarDayForm, "programs:calendar", gettext_lazy("calendar day")),
    "milestone": (
        MilestoneTemplate,
        MilestoneTemplateForm,
        "implementation:milestone-templates",
        gettext_lazy("milestone template"),
    ),
}


@program_view(Capability.CONFIGURE)
@require_http_methods(["GET", "POST"])
def config_edit(request, access, kind, pk=None):
    """Create (pk None) or edit one configuration object of the program."""
    if kind not in CONFIG_FORMS:
        raise Http404
    model, form_class, back_url, label = CONFIG_FORMS[kind]
    instance = selectors.config_object_get(access=access, model=model, pk=pk) if pk else model(program=access.program)
    extra = {"program": access.program} if form_class in (forms.ScenarioModuleForm, MilestoneTemplateForm) else {}
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        m2m = {name: form.cleaned_data[name] for name in form._meta.fields if name in {"industries"}}
        try:
            services.config_save(access=access, instance=obj, reason=form.cleaned_data["change_reason"], m2m=m2m)
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Saved. The change is in the history."))
            return redirect(back_url, program=access.program.slug)
    title = (_("Edit %(thing)s") if pk else _("New %(thing)s")) % {"thing": label}
    return render_page(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "history_url": _history_kind(model) if pk else None,
            "object": instance if pk else None,
        },
    )


@program_view(Capability.CONFIGURE)
@require_http_methods(["POST"])
def config_toggle(request, access, kind, pk):
    """Close or reopen an industry, module or calendar day; the reason goes into the history."""
    if kind not in CONFIG_FORMS or not hasattr(CONFIG_FORMS[kind][0], "is_active"):
        raise Http404
    model, _form, back_url, _label = CONFIG_FORMS[kind]
    instance = selectors.config_object_get(access=access, model=model, pk=pk)
    form = forms.DeactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for closing or reopening."))
    else:
        services.config_set_active(
            access=access,
            instance=instance,
            active=not instance.is_active,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Closed.") if not instance.is_active else _("Reopened."))
    return redirect(back_url, program=access.program.slug)


HISTORY_MODELS = {
    "program": Program,
    "industry": Industry,
    "scenariomodule": ScenarioModule,
    "batch": Batch,
    "calendarday": CalendarDay,
    "roleassignment": RoleAssignment,
    "enterprise": EnterpriseProfile,
    "provider": PoolMembership,
    "policyversion": PolicyVersion,
    "milestonetemplate": MilestoneTemplate,
    # Every record that carries money (run lines never change once approved: their run's history shows them).
    "calculationrun": CalculationRun,
    "fundingpool": FundingPool,
    "poolallocation": PoolAllocation,
    "carriedfunding": CarriedFunding,
    "payment": Payment,
    "awarddecision": AwardDecision,
    "runcorrection": RunCorrection,
}


def _history_kind(model):
    return next(key for key, value in HISTORY_MODELS.items() if value is model)


@program_view(Capability.VIEW_HISTORY)
def history(request, access, model, pk):
    if model not in HISTORY_MODELS:
        raise Http404
    model_class = HISTORY_MODELS[model]
    instance = selectors.history_record_get(access=access, model_class=model_class, pk=pk)
    return render_page(
        request,
        access,
        "core/history.html",
        {
            "object": instance,
            "model_name": model_class._meta.verbose_name,
            "entries": history_entries(instance),
        },
    )
