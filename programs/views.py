"""Program-scoped pages. Thin: each resolves access, asks a selector or calls a service, renders."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.onboarding import password_set_path
from enterprises.models import EnterpriseProfile
from enterprises.pilot_selectors import pilot_summary
from enterprises.selectors import enterprise_get, enterprise_list
from filings.selectors import application_list
from implementation.forms import MilestoneTemplateForm
from implementation.models import MilestoneTemplate
from implementation.selectors import overdue_count, provider_standing
from policies.models import PolicyVersion
from portal.core.errors import NotAllowed, PortalError
from portal.core.forms import show_portal_error
from portal.core.history import history_entries
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs import forms, selectors, services
from programs.access import program_access
from programs.models import Batch, CalendarDay, Industry, ModuleKind, Program, RoleAssignment, ScenarioModule
from providers.models import PoolMembership, PoolStatus, RoundStatus
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

PAGE_SIZE = 50


def program_view(capability=Capability.VIEW_PROGRAM):
    """Resolve the program from the URL for the logged-in user (404 without a role) and require `capability`."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, program, *args, **kwargs):
            access = program_access(user=request.user, slug=program)
            try:
                access.require(capability)
                if request.session.get("last_program") != access.program.slug:
                    request.session["last_program"] = access.program.slug
                return view(request, access, *args, **kwargs)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error

        return wrapper

    return decorator


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _render(request, access, template, context=None):
    return render(request, template, {"access": access, "program": access.program, **(context or {})})


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
        context["member_count"] = selectors.role_assignment_list(access=access).count()
    if access.can(Capability.VIEW_FILINGS):
        # Staff count the program's overdue projects; an enterprise or a provider counts only its own.
        context["overdue_count"] = (
            overdue_count(program=access.program)
            if access.can(Capability.VIEW_ALL_ENTERPRISES)
            else application_list(access=access, filters={"overdue": True}).count()
        )
    context["pilots"] = pilot_summary(program=access.program) if access.can(Capability.VIEW_ALL_ENTERPRISES) else None
    context["industries"] = list(selectors.industry_list(access=access))
    context["batches"] = list(selectors.batch_list(access=access))
    return _render(request, access, "programs/dashboard.html", context)


@program_view()
def enterprises(request, access):
    if not (access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.VIEW_OWN_ENTERPRISE)):
        raise PermissionDenied(_("Your roles in this program do not allow this."))
    filters = {key: request.GET.get(key, "").strip() for key in ("industry", "township", "search")}
    page = _page(request, enterprise_list(access=access, **filters))
    return _render(
        request,
        access,
        "programs/enterprise_list.html",
        {
            "page": page,
            "filters": filters,
            "industries": selectors.industry_list(access=access, with_counts=False),
        },
    )


@program_view()
def enterprise_detail(request, access, enterprise):
    if not (access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.VIEW_OWN_ENTERPRISE)):
        raise PermissionDenied(_("Your roles in this program do not allow this."))
    profile = enterprise_get(access=access, pk=enterprise)
    return _render(request, access, "programs/enterprise_detail.html", {"profile": profile})


@program_view(Capability.VIEW_PROVIDERS)
def providers(request, access):
    filters = {key: request.GET.get(key, "").strip() for key in ("industry", "status", "search")}
    page = _page(request, provider_list(access=access, **filters))
    return _render(
        request,
        access,
        "programs/provider_list.html",
        {
            "page": page,
            "filters": filters,
            "industries": selectors.industry_list(access=access, with_counts=False),
            "statuses": PoolStatus.choices,
        },
    )


@program_view(Capability.VIEW_REFERENCE)
def industries(request, access):
    rows = selectors.industry_list(access=access, include_inactive=access.can(Capability.CONFIGURE))
    return _render(request, access, "programs/industry_list.html", {"industries": rows})


@program_view(Capability.VIEW_REFERENCE)
def scenarios(request, access):
    filters = {key: request.GET.get(key, "").strip() for key in ("kind", "category", "search")}
    modules = selectors.scenario_module_list(
        access=access, include_inactive=access.can(Capability.CONFIGURE), **filters
    )
    return _render(
        request,
        access,
        "programs/scenario_list.html",
        {
            "page": _page(request, modules),
            "filters": filters,
            "categories": selectors.scenario_module_categories(access=access),
            "kinds": ModuleKind.choices,
        },
    )


@program_view(Capability.VIEW_REFERENCE)
def scenario_detail(request, access, module):
    instance = selectors.scenario_module_get(access=access, pk=module)
    return _render(request, access, "programs/scenario_detail.html", {"module": instance})


@program_view(Capability.VIEW_REFERENCE)
def calendar(request, access):
    return _render(
        request,
        access,
        "programs/calendar.html",
        {
            "batches": selectors.batch_list(access=access),
            "days": selectors.calendar_day_list(access=access, include_inactive=access.can(Capability.CONFIGURE)),
        },
    )


@program_view(Capability.VIEW_MEMBERS)
def members(request, access):
    show_revoked = request.GET.get("revoked") == "1"
    rows = selectors.role_assignment_list(access=access, include_revoked=show_revoked)
    return _render(
        request,
        access,
        "programs/members.html",
        {
            "page": _page(request, rows),
            "show_revoked": show_revoked,
        },
    )


@program_view(Capability.MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def member_grant(request, access):
    form = forms.RoleGrantForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(
                access=access,
                program=access.program,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("programs:members", program=access.program.slug)
    return _render(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Grant a role"),
            "back_url": "programs:members",
        },
    )


@program_view(Capability.MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def member_onboard(request, access):
    """A login for a person of an organisation taking part in the program, with its first role; the answer shows
    the set-password link once (it is not stored, and not put in a message that a reload would show again)."""
    form = forms.MemberOnboardForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.member_onboard(
                access=access,
                organisation=data["organisation"],
                role=data["role"],
                username=data["username"],
                display_name=data["display_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            response = _render(
                request,
                access,
                "programs/member_onboarded.html",
                {
                    "assignment": assignment,
                    "set_password_url": request.build_absolute_uri(password_set_path(assignment.user)),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return _render(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Create a login"),
            "back_url": "programs:members",
        },
    )


@program_view(Capability.MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def member_revoke(request, access, assignment):
    instance = get_or_404(selectors.role_assignment_list(access=access), assignment)
    form = forms.RoleRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_revoke(access=access, assignment=instance, reason=form.cleaned_data["reason"])
        except PortalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Role revoked."))
            return redirect("programs:members", program=access.program.slug)
    return _render(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Revoke role: %(assignment)s") % {"assignment": instance},
            "back_url": "programs:members",
            "danger": True,
        },
    )


CONFIG_FORMS = {
    "industry": (Industry, forms.IndustryForm, "programs:industries", gettext_lazy("industry")),
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
    instance = get_or_404(model.objects.filter(program=access.program), pk) if pk else model(program=access.program)
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
    return _render(
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
    instance = get_or_404(model.objects.filter(program=access.program), pk)
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


@program_view(Capability.CONFIGURE)
@require_http_methods(["GET", "POST"])
def program_settings(request, access):
    program = Program.objects.get(pk=access.program.pk)
    form = forms.ProgramSettingsForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(
                access=access, program=form.save(commit=False), reason=form.cleaned_data["change_reason"]
            )
        except PortalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved. The change is in the history."))
            return redirect("programs:dashboard", program=program.slug)
    return _render(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Program settings"),
            "back_url": "programs:dashboard",
            "history_url": "program",
            "object": program,
        },
    )


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
# How a history kind reaches its program, where it is not its own `program` field.
HISTORY_PROGRAM_LOOKUP = {
    Program: "pk",
    PoolAllocation: "pool__program",
    CarriedFunding: "pool__program",
    Payment: "line__run__program",
    RunCorrection: "run__program",
}


def history_scope(model_class, program) -> dict:
    """The filter that keeps a history kind to one program's rows."""
    return {HISTORY_PROGRAM_LOOKUP.get(model_class, "program"): program.pk}


def _history_kind(model):
    return next(key for key, value in HISTORY_MODELS.items() if value is model)


@program_view(Capability.VIEW_HISTORY)
def history(request, access, model, pk):
    if model not in HISTORY_MODELS:
        raise Http404
    model_class = HISTORY_MODELS[model]
    instance = get_or_404(model_class.objects.filter(**history_scope(model_class, access.program)), pk)
    return _render(
        request,
        access,
        "core/history.html",
        {
            "object": instance,
            "model_name": model_class._meta.verbose_name,
            "entries": history_entries(instance),
        },
    )
