"""Pages of sample enterprises (样本企业) and the "learn from samples" gallery (看样学样): the gallery and a
sample's page (with "start a filing from this sample"), the applications (the bureau's queue, the enterprise's
and the provider's own), the application form, an application's page with every step's form, and the photos.

Thin like the pilot and solution pages: objects come through `sample_selectors`, changes through `samples`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.forms import first_error, show_portal_error
from portal.core.roles import Capability
from programs.web import program_view, render_page
from samples import forms, selectors, services
from samples.models import SampleStatus
from samples.workflow import SAMPLE

PAGE_SIZE = 20
ALL = "all"


def _application_redirect(access, item):
    return redirect("samples:application", program=access.program.slug, sample_application=item.pk)


def _cards(samples):
    return [{"sample": sample, "figures": selectors.sample_figures(sample)} for sample in samples]


# --- the gallery ------------------------------------------------------------------------------------------


@program_view(Capability.VIEW_SAMPLES)
def gallery(request, access):
    profile = selectors.own_profile(access=access)
    industries = list(selectors.sample_gallery_industries(program=access.program))
    codes = {industry.code for industry in industries}
    asked = request.GET.get("industry")
    if asked is None:  # by default an enterprise sees the samples of its own industry
        industry = profile.industry.code if profile is not None and profile.industry.code in codes else ""
    else:
        industry = asked if asked in codes else ""
    page = Paginator(selectors.sample_gallery(access=access, industry=industry), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = _cards(page.object_list)
    return render_page(
        request,
        access,
        "samples/gallery.html",
        {
            "page": page,
            "industries": industries,
            "industry": industry,
            "own_industry": profile.industry if profile is not None else None,
            "may_apply": access.can(Capability.APPLY_SAMPLE),
            "may_file": access.can(Capability.FILE) and profile is not None,
        },
    )


@program_view(Capability.VIEW_SAMPLES)
def sample_detail(request, access, sample):
    item = selectors.sample_get(access=access, pk=sample)
    profile = selectors.own_profile(access=access)
    may_file = access.can(Capability.FILE) and profile is not None and item.is_active
    manages = access.can(Capability.MANAGE_SAMPLES)
    return render_page(
        request,
        access,
        "samples/detail.html",
        {
            "sample": item,
            "figures": selectors.sample_figures(item),
            "review": item.application.accepted_reviews[0] if item.application.accepted_reviews else None,
            "may_file": may_file,
            "start_form": forms.StartFilingForm(initial={"title": services.copy_title(item)}) if may_file else None,
            "copies": list(selectors.sample_copies(item)) if manages else [],
            "manages": manages,
            "sees_providers": access.can(Capability.VIEW_PROVIDERS),
        },
    )


@program_view(Capability.FILE)
@require_POST
def start_filing(request, access, sample):
    item = selectors.sample_get(access=access, pk=sample)
    form = forms.StartFilingForm(request.POST)
    title = form.cleaned_data["title"] if form.is_valid() else ""
    try:
        application = services.sample_start_filing(access=access, sample=item, title=title)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("samples:detail", program=access.program.slug, sample=item.pk)
    messages.success(
        request, _("A draft filing copies the sample's scenario list. Adjust it to your enterprise and save it.")
    )
    return redirect("filings:edit", program=access.program.slug, application=application.pk)


@program_view(Capability.VIEW_SAMPLES)
def sample_photo(request, access, sample, sample_photo):
    """Gallery photos leave only through here, for people who may browse the samples."""
    item = selectors.sample_get(access=access, pk=sample)
    photo = selectors.sample_photo_get(sample_application=item.sample_application, pk=sample_photo)
    return stored_file_response(photo, inline=True)


# --- applications -----------------------------------------------------------------------------------------


@program_view(Capability.VIEW_SAMPLES)
def applications(request, access):
    manages = access.can(Capability.MANAGE_SAMPLES)
    default = "open" if manages else ""
    status = request.GET.get("status", default)
    status = "" if status == ALL else status
    if status not in ("", "open", *SampleStatus.values):
        status = default
    page = Paginator(selectors.sample_application_list(access=access, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    quota = selectors.sample_quota(program=access.program)
    industries = list(selectors.sample_gallery_industries(program=access.program)) if manages else []
    for industry in industries:
        industry.quota = quota.get(industry.code)
    return render_page(
        request,
        access,
        "samples/applications.html",
        {
            "page": page,
            "status": status or ALL,
            "statuses": SampleStatus.choices,
            "manages": manages,
            "may_apply": access.can(Capability.APPLY_SAMPLE),
            "industries": industries,
        },
    )


@program_view(Capability.APPLY_SAMPLE)
@require_http_methods(["GET", "POST"])
def apply(request, access):
    candidates = selectors.apply_candidates(access=access)
    initial = {}
    if request.GET.get("application", "").isdigit():
        initial["application"] = int(request.GET["application"])
    form = forms.SampleApplyForm(request.POST or None, request.FILES or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.sample_apply(
                access=access, application=data["application"], statement=data["statement"], photos=data["photos"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Applied. Your provider joins the application next."))
            return _application_redirect(access, item)
    return render_page(
        request,
        access,
        "samples/apply.html",
        {"form": form, "has_candidates": candidates.exists(), "max_photos": services.MAX_PHOTOS},
    )


@program_view(Capability.VIEW_SAMPLES)
def application_detail(request, access, sample_application):
    item = selectors.sample_application_get(access=access, pk=sample_application)
    owner = services.is_project_owner(access, item.application)
    provider = services.is_project_provider(access, item.application)
    manages = access.can(Capability.MANAGE_SAMPLES)
    actions = {step.name for step in SAMPLE.available(item.status, access.roles)}  # what is their own: below
    active = next((d for d in item.all_designations if d.is_active), None)
    quota = selectors.sample_quota(program=access.program).get(item.industry.code) if manages else None
    return render_page(
        request,
        access,
        "samples/application.html",
        {
            "item": item,
            "designation": active,
            "designations": item.all_designations,
            "check": getattr(item, "site_check", None),
            "photos": item.active_photos,
            "owner": owner,
            "may_cosign": provider and "cosign" in actions,
            "may_withdraw": (owner or provider) and "withdraw" in actions,
            "may_check": "check_record" in actions,
            "may_designate": "designate" in actions,
            "may_decline": "decline" in actions,
            "may_revoke": manages and active is not None,
            "may_add_photo": owner and "photo_add" in actions and len(item.active_photos) < services.MAX_PHOTOS,
            "quota": quota,
            "held": selectors.active_sample_count(program=access.program, industry_id=item.industry_id)
            if manages
            else None,
            "cosign_form": forms.CosignForm(),
            "reason_form": forms.ReasonForm(),
            "check_form": forms.SiteCheckForm(),
            "designate_form": forms.DesignateForm(),
            "photo_form": forms.PhotoForm(),
            "sees_history": access.can(Capability.VIEW_HISTORY),
        },
    )


def _act(request, access, sample_application, form_class, action, done):
    item = selectors.sample_application_get(access=access, pk=sample_application)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, first_error(form))
        return _application_redirect(access, item)
    try:
        action(item, form.cleaned_data if form is not None else {})
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _application_redirect(access, item)


@program_view(Capability.COSIGN_SAMPLE)
@require_POST
def cosign(request, access, sample_application):
    return _act(
        request,
        access,
        sample_application,
        forms.CosignForm,
        lambda item, data: services.sample_cosign(
            access=access, sample_application=item, statement=data["provider_statement"]
        ),
        _("Joined. The bureau checks on site next."),
    )


@program_view(Capability.VIEW_SAMPLES)
@require_POST
def withdraw(request, access, sample_application):
    return _act(
        request,
        access,
        sample_application,
        forms.ReasonForm,
        lambda item, data: services.sample_withdraw(access=access, sample_application=item, reason=data["reason"]),
        _("The application is withdrawn."),
    )


@program_view(Capability.MANAGE_SAMPLES)
@require_POST
def check(request, access, sample_application):
    return _act(
        request,
        access,
        sample_application,
        forms.SiteCheckForm,
        lambda item, data: services.sample_check_record(access=access, sample_application=item, **data),
        _("The on-site check is recorded."),
    )


@program_view(Capability.MANAGE_SAMPLES)
@require_POST
def designate(request, access, sample_application):
    return _act(
        request,
        access,
        sample_application,
        forms.DesignateForm,
        lambda item, data: services.sample_designate(access=access, sample_application=item, **data),
        _("Designated a sample enterprise: it is shown in the gallery."),
    )


@program_view(Capability.MANAGE_SAMPLES)
@require_POST
def decline(request, access, sample_application):
    return _act(
        request,
        access,
        sample_application,
        forms.ReasonForm,
        lambda item, data: services.sample_decline(access=access, sample_application=item, reason=data["reason"]),
        _("The application is declined."),
    )


@program_view(Capability.MANAGE_SAMPLES)
@require_POST
def revoke(request, access, sample_application):
    def action(item, data):
        active = next((d for d in item.all_designations if d.is_active), None)
        if active is None:
            raise PortalError(_("This project is not an active sample enterprise."))
        services.sample_revoke(access=access, designation=active, reason=data["reason"])

    return _act(request, access, sample_application, forms.ReasonForm, action, _("The designation is revoked."))


@program_view(Capability.APPLY_SAMPLE)
@require_POST
def photo_add(request, access, sample_application):
    return _act(
        request,
        access,
        sample_application,
        forms.PhotoForm,
        lambda item, data: services.sample_photo_add(
            access=access, sample_application=item, upload=data["file"], caption=data["caption"]
        ),
        _("Photo added."),
    )


@program_view(Capability.APPLY_SAMPLE)
@require_POST
def photo_remove(request, access, sample_application, sample_photo):
    def action(item, data):
        photo = selectors.sample_photo_get(sample_application=item, pk=sample_photo)
        services.sample_photo_remove(access=access, photo=photo)

    return _act(request, access, sample_application, None, action, _("Photo removed."))


@program_view(Capability.VIEW_SAMPLES)
def application_photo(request, access, sample_application, sample_photo):
    """An application's photos leave only through here, for people who may open the application."""
    item = selectors.sample_application_get(access=access, pk=sample_application)
    return stored_file_response(selectors.sample_photo_get(sample_application=item, pk=sample_photo), inline=True)
