"""Program-scoped pages. Thin: each resolves access, asks a selector or calls a service, renders."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs import forms, selectors, services
from programs.models import ModuleKind
from programs.web import paginate, program_view, render_page


@program_view(Capability.VIEW_REFERENCE)
def scenarios(request, access):
    filters = {key: request.GET.get(key, "").strip() for key in ("kind", "category", "search")}
    modules = selectors.scenario_module_list(
        access=access, include_inactive=access.can(Capability.CONFIGURE), **filters
    )
    return render_page(
        request,
        access,
        "programs/scenario_list.html",
        {
            "page": paginate(request, modules),
            "filters": filters,
            "categories": selectors.scenario_module_categories(access=access),
            "kinds": ModuleKind.choices,
        },
    )


@program_view(Capability.VIEW_REFERENCE)
def scenario_detail(request, access, module):
    instance = selectors.scenario_module_get(access=access, pk=module)
    return render_page(request, access, "programs/scenario_detail.html", {"module": instance})


@program_view(Capability.VIEW_REFERENCE)
def calendar(request, access):
    return render_page(
        request,
        access,
        "programs/calendar.html",
        {
            "batches": selectors.batch_list(access=access),
            "days": selectors.calendar_day_list(access=access, include_inactive=access.can(Capability.CONFIGURE)),
        },
    )


@program_view(Capability.CONFIGURE)
@require_http_methods(["GET", "POST"])
def program_settings(request, access):
    program = selectors.program_fresh(access=access)
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
            return redirect("dashboard:index", program=program.slug)
    return render_page(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Program settings"),
            "back_url": "dashboard:index",
            "history_url": "program",
            "object": program,
        },
    )
