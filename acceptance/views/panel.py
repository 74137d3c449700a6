"""The panel's work on a review: the bureau seats and replaces experts, an expert declares a link or fills its
rubric sheet, the financial auditor records the audit with its report, the bureau closes the review."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from acceptance import forms, selectors, services
from acceptance.models import ReviewStatus
from acceptance.views.common import SCORING_OPEN, review_redirect, rubric_points, show_renamed
from acceptance.views.reviews import render_review
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.web import program_view, render_page
from scoring.forms import SheetForm
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure
from scoring.sheets import sheet_table


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def panel(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.PanelForm(request.POST, program=access.program)
    if form.is_valid():
        try:
            services.panel_assign(
                access=access,
                review=item,
                experts=list(form.cleaned_data["experts"]),
                financial_auditor=form.cleaned_data["financial_auditor"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Panel seated. The experts score the project; the auditor records the audit."))
            return review_redirect(access, item)
    messages.error(request, _("The panel is not seated; see the panel form."))
    return render_review(request, access, item, panel_form=form)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def replace(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.ReplaceForm(request.POST, review=item)
    if form.is_valid():
        try:
            seat = services.panel_replace(access=access, review=item, expert=form.cleaned_data["expert"])
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("%(expert)s sits on the panel.") % {"expert": seat.expert})
            return review_redirect(access, item)
    messages.error(request, _("The expert is not seated; see the panel form."))
    return render_review(request, access, item, replace_form=form)


@program_view(Capability.SCORE_ACCEPTANCE)
@require_POST
def conflict(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of link you have with the project."))
        return review_redirect(access, item)
    try:
        services.expert_conflict_declare(
            access=access, review=item, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"]
        )
    except PortalError as error:
        messages.error(request, error.message)
        return review_redirect(access, item)
    messages.success(
        request,
        _("Link to “%(project)s” declared: you leave its panel and the bureau seats another expert.")
        % {"project": item.application.title},
    )
    # Off the panel, the expert no longer reads the review.
    return redirect("acceptance:reviews", program=access.program.slug)


@program_view(Capability.SCORE_ACCEPTANCE)
@require_http_methods(["GET", "POST"])
def sheet(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    if not selectors.is_on_panel(item, access.user):
        raise PermissionDenied(_("You are not on this project's panel."))
    structure = sheet_structure(item.template)
    own = selectors.own_sheet(item, access.user)
    initial = {"comment": own.comment, **{f"item_{s.item_id}": s.points for s in own.scores.all()}} if own else {}
    form = SheetForm(request.POST or None, initial=initial, structure=structure)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("submit") == "1"
        try:
            saved = services.expert_sheet_save(
                access=access,
                review=item,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            if submit:
                messages.success(
                    request, _("Sheet submitted. It is final; the other experts' submitted sheets are shown now.")
                )
                return review_redirect(access, item)
            messages.success(
                request,
                _("Draft saved (total %(total)s). Submit it when every item is scored.") % {"total": saved.total},
            )
            return redirect("acceptance:sheet", program=access.program.slug, review=item.pk)
    editable = item.status in SCORING_OPEN and (own is None or own.status != SheetStatus.SUBMITTED)
    return render_page(
        request,
        access,
        "acceptance/sheet_form.html",
        {
            "review": item,
            "application": item.application,
            "form": form,
            "own": own,
            "editable": editable,
            "sheet_table": sheet_table(structure, [own]) if own and not editable else None,
            "rubric_points": rubric_points(structure),
        },
    )


@program_view(Capability.AUDIT_ACCEPTANCE)
@require_POST
def audit(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.AuditForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.audit_record(
                access=access,
                review=item,
                amounts=form.amounts(),
                conclusion=form.cleaned_data["conclusion"],
                report=form.cleaned_data["report"],
            )
        except PortalError as error:
            show_renamed(form, error, file="report")
        else:
            messages.success(request, _("Audit recorded. The audited amounts are the base of the subsidy."))
            return review_redirect(access, item)
    messages.error(request, _("The audit is not recorded; see the audit form."))
    return render_review(request, access, item, audit_form=form)


@program_view(Capability.VIEW_ACCEPTANCE)
def audit_report(request, access, review, report):
    """The only way an audit report leaves the server: for people who may see the review."""
    item = selectors.review_get(access=access, pk=review)
    return stored_file_response(selectors.audit_report_get(review=item, pk=report))


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def close(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    try:
        closed = services.review_close(access=access, review=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        if closed.status == ReviewStatus.PASSED:
            messages.success(
                request, _("Passed with %(score)s. Open the public announcement next.") % {"score": closed.score}
            )
        else:
            messages.warning(request, _("Failed with %(score)s.") % {"score": closed.score})
    return review_redirect(access, item)
