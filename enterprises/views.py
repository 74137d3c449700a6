"""Enterprise pages outside the program app: target list (Excel), sign-up and its review, profile editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enterprises import forms, selectors, target_list
from enterprises import signup as signup_service
from enterprises.services import enterprise_profile_update, profile_may_edit
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs import selectors as program_selectors
from programs.web import PAGE_SIZE, paginate, program_view, render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@program_view(Capability.VIEW_ALL_ENTERPRISES)
def targets(request, access):
    rows = selectors.target_enterprise_list(access=access)
    return render_page(
        request,
        access,
        "enterprises/targets.html",
        {
            "page": Paginator(rows.select_related("township", "industry"), PAGE_SIZE).get_page(request.GET.get("page")),
            "by_township": rows.values("township__name")
            .annotate(count=Count("id"))
            .order_by("-count", "township__name"),
            "by_industry": rows.values("industry__name")
            .annotate(count=Count("id"))
            .order_by("-count", "industry__name"),
        },
    )


@program_view(Capability.CONFIGURE)
def target_template(request, access):
    response = HttpResponse(target_list.template_workbook(program=access.program), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="target-enterprises-template.xlsx"'
    return response


@program_view(Capability.CONFIGURE)
@require_http_methods(["GET", "POST"])
def target_import(request, access):
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith(".xlsx"):
            messages.error(request, _("Choose the filled-in .xlsx template."))
        elif upload.size > 10 * 1024 * 1024:
            messages.error(request, _("The file is larger than 10 MB."))
        else:
            report = target_list.target_list_import(
                program=access.program, acting_user=request.user, content=upload.read()
            )
            if report.ok:
                messages.success(request, _("%(count)d enterprises imported.") % {"count": report.created})
                return redirect("enterprises:targets", program=access.program.slug)
    return render_page(request, access, "enterprises/target_import.html", {"report": report})


def signup(request, program):
    """Public: a person registers its enterprise for a published program."""
    target = program_selectors.published_program(slug=program)
    if target is None:
        raise Http404
    form = forms.SignupForm(request.POST or None, program=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = form.account()
        enterprise = {
            key: data[key]
            for key in (
                "uscc",
                "name",
                "township",
                "industry",
                "scale",
                "output_band",
                "is_specialised",
                "is_little_giant",
                "digital_level_before",
            )
        }
        try:
            signup_service.enterprise_sign_up(program=target, account=account, enterprise=enterprise)
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("Registered. The bureau checks your enterprise; you can file once it has approved your request."),
            )
            return redirect("accounts:login")
    return render(request, "enterprises/signup.html", {"form": form, "target": target})


@program_view(Capability.REVIEW)
def signups(request, access):
    rows = selectors.signup_request_list(program=access.program)
    return render_page(
        request,
        access,
        "enterprises/signups.html",
        {
            "page": paginate(request, rows),
            "decision_form": forms.SignupDecisionForm(),
        },
    )


@program_view(Capability.REVIEW)
@require_POST
def signup_decide(request, access, signup):
    item = selectors.signup_request_get(access=access, pk=signup)
    form = forms.SignupDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        try:
            signup_service.signup_decide(
                access=access,
                request=item,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("enterprises:signups", program=access.program.slug)


@program_view()
@require_http_methods(["GET", "POST"])
def profile_edit(request, access, enterprise):
    profile = selectors.enterprise_get(access=access, pk=enterprise)
    if not profile_may_edit(access=access, profile=profile):
        raise PermissionDenied(_("Only the enterprise itself or the bureau admin may change this profile."))
    form = forms.ProfileForm(
        request.POST or None,
        instance=selectors.enterprise_profile_for_form(access=access, pk=profile.pk),
        program=access.program,
    )
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_profile_update(access=access, profile=form.instance, data=form.cleaned_data)
        except PortalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved. The change is in the history."))
            return redirect("enterprises:detail", program=access.program.slug, enterprise=profile.pk)
    return render_page(
        request,
        access,
        "programs/form_page.html",
        {
            "form": form,
            "title": _("Enterprise profile: %(name)s") % {"name": profile.organisation.name},
            "back_url": "enterprises:list",
        },
    )


@program_view()
def enterprise_list_page(request, access):
    if not (access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.VIEW_OWN_ENTERPRISE)):
        raise PermissionDenied(_("Your roles in this program do not allow this."))
    filters = {key: request.GET.get(key, "").strip() for key in ("industry", "township", "search")}
    page = paginate(request, selectors.enterprise_list(access=access, **filters))
    return render_page(
        request,
        access,
        "enterprises/enterprise_list.html",
        {
            "page": page,
            "filters": filters,
            "industries": program_selectors.industry_list(access=access, with_counts=False),
        },
    )


@program_view()
def enterprise_detail(request, access, enterprise):
    if not (access.can(Capability.VIEW_ALL_ENTERPRISES) or access.can(Capability.VIEW_OWN_ENTERPRISE)):
        raise PermissionDenied(_("Your roles in this program do not allow this."))
    profile = selectors.enterprise_get(access=access, pk=enterprise)
    return render_page(request, access, "enterprises/enterprise_detail.html", {"profile": profile})
