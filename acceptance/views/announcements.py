"""The public announcement (公示): the bureau opens it for a passed project, records and resolves objections and
concludes the ended announcements; the announcement page itself, public when the program is."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acceptance import forms, selectors, services
from acceptance.models import ReviewStatus
from acceptance.views.common import review_redirect
from acceptance.views.reviews import render_review
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.roles import Capability
from programs.access import member_or_public_access
from programs.web import program_view, render_page


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def announce(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.AnnounceForm(request.POST, program=access.program)
    if form.is_valid():
        try:
            announced = services.announcement_open(access=access, review=item, starts_on=form.cleaned_data["starts_on"])
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("The project is in public announcement until %(date)s.")
                % {"date": announced.announcement_ends_on.isoformat()},
            )
            return review_redirect(access, item)
    messages.error(request, _("The announcement is not opened; see the announcement form."))
    return render_review(request, access, item, announce_form=form)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def objection(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    form = forms.ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_record(
                access=access, review=item, raised_by=form.cleaned_data["raised_by"], text=form.cleaned_data["text"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request, _("Objection recorded. The project is on hold until every objection is resolved.")
            )
            return review_redirect(access, item)
    messages.error(request, _("The objection is not recorded; see the objection form."))
    return render_review(request, access, item, objection_form=form)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def resolve(request, access, review, objection):
    item = selectors.review_get(access=access, pk=review)
    target = selectors.objection_get(review=item, pk=objection)
    form = forms.ResolveForm(request.POST, auto_id=f"id_o{target.pk}_%s")
    if form.is_valid():
        try:
            services.objection_resolve(
                access=access, objection=target, upheld=form.upheld, resolution=form.cleaned_data["resolution"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            item.refresh_from_db(fields=["status"])
            if form.upheld:
                messages.warning(request, _("Objection upheld: the project fails acceptance."))
            elif item.status == ReviewStatus.ON_HOLD:
                messages.success(request, _("Objection dismissed. Other objections are still open."))
            else:
                messages.success(
                    request,
                    _("Objection dismissed. The project is “%(status)s”.") % {"status": item.get_status_display()},
                )
            return review_redirect(access, item)
    messages.error(request, _("The objection is not resolved; see its form."))
    return render_review(request, access, item, resolve_form=form, resolve_pk=target.pk)


@program_view(Capability.RUN_ACCEPTANCE)
@require_POST
def conclude(request, access, review):
    item = selectors.review_get(access=access, pk=review)
    try:
        done = services.announcements_conclude(access=access)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        if done:
            messages.success(
                request,
                _("%(count)d ended announcement(s) concluded: the projects are ready for subsidy.") % {"count": done},
            )
        else:
            messages.info(request, _("No announcement has ended without an open objection yet."))
    return review_redirect(access, item)


def announcement(request, program):
    """The public announcement (公示): everyone with a role in the program, and the public when it is public."""
    access = member_or_public_access(request=request, slug=program, capability=Capability.VIEW_ANNOUNCEMENT)
    if access is None:
        return redirect_to_login(request.get_full_path())
    reviews = list(selectors.announcement_list(program=access.program))
    estimates = selectors.announcement_estimates(reviews, program=access.program)
    rows = []
    for review in reviews:
        result, why = estimates[review.pk]
        row = {
            "review": review,
            "application": review.application,
            "audit": getattr(review, "audit", None),
            "subsidy": None,
            "reason": why,
        }
        if result is not None:
            row["subsidy"] = result.total
            row["eligible"] = result.eligible
            row["reason"] = "；".join(str(reason) for reason in result.reasons)
        rows.append(row)
    return render_page(
        request,
        access,
        "acceptance/announcement.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "sees_all": access.can(Capability.VIEW_ALL_ENTERPRISES),
            "may_run": access.can(Capability.RUN_ACCEPTANCE),
        },
    )
