"""Filing pages: an enterprise files and revises its projects; reviewers work the queue and decide."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from filings import forms, selectors, services
from filings.models import AttachmentKind, Category, Status
from filings.workflow import EDITABLE, OPEN_FOR_REVIEW, available_actions
from policies.quotes import QuoteInput, quote
from policies.selectors import active_track_list
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.paging import DeferredPaginator
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.selectors import current_batch
from programs.web import PAGE_SIZE, program_view, render_page


@program_view(Capability.VIEW_FILINGS)
def application_list(request, access):
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "-submitted")
    reference = selectors.queue_reference(program=access.program)
    paginator = DeferredPaginator(
        selectors.queue_keys(access=access, filters=filters, sort=sort),
        PAGE_SIZE,
        count=selectors.application_count(access=access, filters=filters),
        rows=lambda keys: selectors.queue_rows(keys, reference=reference),
    )
    return render_page(
        request,
        access,
        "filings/application_list.html",
        {
            "page": paginator.get_page(request.GET.get("page")),
            "form": form,
            "sort": sort,
            "options": reference,
            "may_review": access.can(Capability.REVIEW),
            "may_file": access.can(Capability.FILE),
        },
    )


def _form_context(access, request, instance=None):
    profile = access.program.enterprises.filter(organisation_id=access.user.organisation_id).first()
    if profile is None:
        raise PermissionDenied(_("Your organisation has no enterprise profile in this program yet."))
    tracks = active_track_list(program=access.program)
    form = forms.ApplicationForm(
        request.POST or None, instance=instance, program=access.program, tracks=tracks, industry=profile.industry
    )
    initial = (
        [
            {
                "module": line.module,
                "part": line.part,
                "category": line.category,
                "description": line.description,
                "amount": line.amount,
            }
            for line in instance.lines.filter(is_active=True)
        ]
        if instance
        else None
    )
    lines = forms.LineFormSet(
        request.POST or None, initial=initial, prefix="lines", form_kwargs={"program": access.program}
    )
    # A post without the subcontract rows (an older client) leaves the contractors as they are.
    subcontracts = forms.SubcontractFormSet(
        request.POST if "subcontracts-TOTAL_FORMS" in request.POST else None,
        initial=(
            [
                {"membership": row.membership, "scope": row.scope, "work_share": row.work_share, "amount": row.amount}
                for row in instance.subcontracts.filter(is_active=True).select_related("membership")
            ]
            if instance
            else None
        ),
        prefix="subcontracts",
        form_kwargs={"program": access.program},
    )
    return profile, form, lines, subcontracts


def _place_errors(form, subcontracts, rows, error: PortalError):
    """A service's refusal on the form: each field error beside its field (a subcontract's on its row), the
    message above the form when none has a place."""
    placed = False
    for key, messages_ in error.fields.items():
        name, _dot, rest = key.partition(".")
        if name == "subcontracts" and rest:
            index, _dot, field = rest.partition(".")
            if index.isdigit() and int(index) < len(rows) and field in subcontracts.forms[rows[int(index)]].fields:
                subcontracts.forms[rows[int(index)]].add_error(field, messages_)
                placed = True
        elif key in form.fields:
            form.add_error(key, messages_)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _save(request, access, form, lines, subcontracts, instance=None):
    named = subcontracts.is_bound
    if not (form.is_valid() and lines.is_valid() and (subcontracts.is_valid() or not named)):
        return None
    names = (*form.Meta.fields, *(forms.LEAD_FIELDS if named else ()))
    fields = {name: form.cleaned_data[name] for name in names if name in form.fields}
    items = [
        {key: row[key] for key in ("module", "part", "category", "description", "amount")}
        for row in lines.cleaned_data
        if row and not row.get("DELETE")
    ]
    # The formset index of each subcontract passed on, to put the service's row errors back on their rows.
    rows = (
        [index for index, row in enumerate(subcontracts.cleaned_data) if row and not row.get("DELETE")] if named else []
    )
    parts = (
        [
            {key: subcontracts.cleaned_data[index][key] for key in ("membership", "scope", "work_share", "amount")}
            for index in rows
        ]
        if named
        else None
    )
    try:
        if instance is None:
            return services.application_create(access=access, fields=fields, lines=items, subcontracts=parts)
        return services.application_update(
            access=access, application=instance, fields=fields, lines=items, subcontracts=parts
        )
    except PortalError as error:
        _place_errors(form, subcontracts, rows, error)
        return None


@program_view(Capability.FILE)
@require_http_methods(["GET", "POST"])
def application_new(request, access):
    profile, form, lines, subcontracts = _form_context(access, request)
    if request.method == "POST":
        saved = _save(request, access, form, lines, subcontracts)
        if saved:
            messages.success(request, _("Draft saved. Check the estimate, then submit."))
            return redirect("filings:detail", program=access.program.slug, application=saved.pk)
    return render_page(
        request,
        access,
        "filings/application_form.html",
        {"form": form, "lines": lines, "subcontracts": subcontracts, "profile": profile, "application": None},
    )


@program_view(Capability.FILE)
@require_http_methods(["GET", "POST"])
def application_edit(request, access, application):
    instance = selectors.application_get(access=access, pk=application)
    if instance.status not in EDITABLE:
        messages.error(request, _("This filing can no longer be changed."))
        return redirect("filings:detail", program=access.program.slug, application=instance.pk)
    profile, form, lines, subcontracts = _form_context(access, request, instance)
    if request.method == "POST":
        saved = _save(request, access, form, lines, subcontracts, instance)
        if saved:
            messages.success(request, _("Saved."))
            return redirect("filings:detail", program=access.program.slug, application=saved.pk)
    return render_page(
        request,
        access,
        "filings/application_form.html",
        {"form": form, "lines": lines, "subcontracts": subcontracts, "profile": profile, "application": instance},
    )


@program_view(Capability.VIEW_FILINGS)
def application_detail(request, access, application):
    instance = selectors.application_get(access=access, pk=application)
    estimate, estimate_error = None, ""
    try:
        estimate = selectors.application_estimate(instance, on_date=timezone.localdate())
    except PortalError as error:
        estimate_error = error.message
    owner = selectors.acts_as_owner(access, instance)
    attachments = list(instance.attachments.filter(is_active=True).select_related("uploaded_by"))
    duplicates = selectors.duplicate_contracts(instance, access=access)
    for item in attachments:
        item.duplicates = duplicates.get(item.pk, [])
    actions = [
        action
        for action in available_actions(instance.status, access.roles)
        if owner or "enterprise" not in action.roles
    ]
    return render_page(
        request,
        access,
        "filings/application_detail.html",
        {
            "application": instance,
            "lines": instance.lines.filter(is_active=True).select_related("module"),
            "subcontracts": selectors.subcontract_list(instance),
            "sums": selectors.application_sums(instance),
            "transitions": instance.transitions.select_related("actor"),
            "attachments": attachments,
            "attachment_kinds": AttachmentKind.choices,
            "estimate": estimate[1] if estimate else None,
            "estimate_version": estimate[0] if estimate else None,
            "estimate_error": estimate_error,
            "actions": actions,
            "may_edit": owner and instance.status in EDITABLE and access.can(Capability.FILE),
            "may_answer": "provider" in access.roles
            and selectors.acts_as_implementer(access, instance)
            and instance.status in OPEN_FOR_REVIEW,
        },
    )


@program_view(Capability.VIEW_FILINGS)
@require_POST
def provider_response(request, access, application):
    instance = selectors.application_get(access=access, pk=application)
    try:
        services.application_provider_respond(
            access=access,
            application=instance,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        )
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer is recorded; the enterprise and the bureau are told."))
    return redirect("filings:detail", program=access.program.slug, application=instance.pk)


@program_view(Capability.VIEW_FILINGS)
@require_POST
def application_act(request, access, application):
    instance = selectors.application_get(access=access, pk=application)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read; reload the page and try again."))
    else:
        try:
            services.application_transition(
                access=access,
                application=instance,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
                expected_status=form.cleaned_data["expected_status"] or None,
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Done. The filing is now “%(status)s”.")
                % {"status": selectors.application_fresh(access=access, pk=instance.pk).get_status_display()},
            )
    return redirect("filings:detail", program=access.program.slug, application=instance.pk)


@program_view(Capability.REVIEW)
@require_POST
def bulk_approve(request, access):
    ids = [value for value in request.POST.getlist("ids") if value.isdigit()]
    chosen = list(
        selectors.application_list(access=access).filter(pk__in=ids, status__in=[Status.SUBMITTED, Status.RESUBMITTED])
    )
    if not chosen:
        messages.error(request, _("Select filings that wait for review."))
        return redirect("filings:list", program=access.program.slug)
    outcome = services.application_bulk_approve(access=access, applications=chosen)
    approved = [pk for pk, reason in outcome.items() if not reason]
    messages.success(
        request,
        ngettext("%(count)d filing approved.", "%(count)d filings approved.", len(approved)) % {"count": len(approved)},
    )
    for pk, reason in outcome.items():
        if reason:
            messages.error(request, f"#{pk}: {reason}")
    return redirect("filings:list", program=access.program.slug)


@program_view(Capability.FILE)
@require_POST
def attachment_upload(request, access, application):
    instance = selectors.application_get(access=access, pk=application)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.attachment_add(
                access=access, application=instance, kind=request.POST.get("kind", ""), upload=upload
            )
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("File uploaded."))
    return redirect("filings:detail", program=access.program.slug, application=instance.pk)


@program_view(Capability.VIEW_FILINGS)
def attachment_download(request, access, application, attachment):
    """The only way a filing's file leaves the server: for people who may read the filing."""
    instance = selectors.application_get(access=access, pk=application)
    item = get_or_404(instance.attachments.filter(is_active=True), attachment)
    return stored_file_response(item)


@program_view(Capability.FILE)
@require_POST
def attachment_remove(request, access, application, attachment):
    instance = selectors.application_get(access=access, pk=application)
    item = get_or_404(instance.attachments.filter(is_active=True), attachment)
    try:
        services.attachment_remove(access=access, attachment=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File removed from the filing."))
    return redirect("filings:detail", program=access.program.slug, application=instance.pk)


@program_view(Capability.FILE)
@require_POST
def estimate_preview(request, access):
    """The estimate of the form as typed, without saving anything (the filing form asks as the user types)."""
    profile, form, lines, _subcontracts = _form_context(access, request)
    sums = {"N": Decimal("0"), "X": Decimal("0"), **{category: Decimal("0") for category in Category.values}}
    for row in lines:
        if row.is_valid() and row.has_changed() and not row.cleaned_data.get("DELETE"):
            sums[row.cleaned_data["part"]] += row.cleaned_data["amount"]
            sums[row.cleaned_data["category"]] += row.cleaned_data["amount"]
    result, error = None, ""
    batch = current_batch(access.program, timezone.localdate())
    try:
        _version, result = quote(
            program=access.program,
            data=QuoteInput(
                track=request.POST.get("track", ""),
                industry=profile.industry.code,
                scale=profile.scale,
                batch=batch.number if batch else None,
                n_investment=sums["N"],
                x_investment=sums["X"],
                total_investment=sums["software"] + sums["hardware"],
                automation_investment=sums["automation"],
            ),
        )
    except PortalError as problem:
        error = problem.message
    return render(request, "filings/_estimate.html", {"estimate": result, "estimate_error": error, "sums": sums})
