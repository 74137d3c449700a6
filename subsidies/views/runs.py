"""A program's calculation runs: the list, one run with its totals, lines and steps (review, return, approve
in the background when large, pay the rest), its progress, and its what-ifs."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies.selectors import policy_version_list
from portal.core import outbox
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.progress import progress_get
from portal.core.roles import Capability
from programs.web import paginate, program_view, render_page
from subsidies import approvals, forms, runs
from subsidies.ledger_jobs import inline_limit
from subsidies.models import JobStatus, RunStatus
from subsidies.selectors import (
    approval_state,
    carried_by_run,
    carried_to_run,
    run_approval,
    run_exclusions,
    run_get,
    run_lines,
    run_list,
    run_totals,
    run_versions,
    run_what_if,
    runs_with_versions,
)
from subsidies.views.common import (
    ACTION_LABELS,
    BUSY,
    CARRIED_SHOWN,
    EXCLUSIONS_SHOWN,
    STAGE_LABELS,
    WHAT_IF_ROWS,
    ZERO,
    payment_status,
    run_url,
)


@program_view(Capability.VIEW_RUNS)
@require_http_methods(["GET", "POST"])
def run_list_page(request, access):
    form = None
    if request.method == "POST":
        access.require(Capability.RUN_SUBSIDY)
        form = forms.RunCreateForm(request.POST)
        if form.is_valid():
            try:
                run = runs.run_create(access=access, title=form.cleaned_data["title"])
            except PortalError as error:
                show_portal_error(form, error)
            else:
                outbox.announce(
                    request,
                    run,
                    _("Run %(number)s created; its calculation is queued.") % {"number": run.number},
                    level=messages.SUCCESS,
                )
                return redirect(run_url(access, run))
    elif access.can(Capability.RUN_SUBSIDY):
        form = forms.RunCreateForm()
    status = request.GET.get("status", "").strip()
    if status not in RunStatus.values:
        status = ""
    page = paginate(request, runs_with_versions(run_list(access=access, status=status)))
    page.object_list = list(page.object_list)
    for run in page.object_list:
        run.policy_versions = run_versions(run)
    return render_page(
        request,
        access,
        "subsidies/runs/run_list.html",
        {
            "page": page,
            "status": status,
            "statuses": RunStatus.choices,
            "form": form,
        },
    )


def _run_page(request, access, run, **bound):
    """The run's page; `bound` holds forms sent back with their errors."""
    may_run = access.can(Capability.RUN_SUBSIDY)
    totals = run_totals(run)
    sources = [source for source, _label, _share, _short in totals.by_source]
    page = paginate(request, run_lines(run))
    lines = list(page.object_list)
    # what later runs funded on this run's lines, and what this run funded on earlier ones: only once approved
    funded_later = list(carried_to_run(run)[:CARRIED_SHOWN]) if run.is_frozen and run.unfunded_total else []
    carried_forward = list(carried_by_run(run)[:CARRIED_SHOWN]) if run.is_frozen else []
    later = {}
    for item in funded_later:
        later.setdefault(item.line_id, []).append(item)
    for line in lines:
        line.shares = [line.share(source) for source in sources]
        line.payment_code, line.payment_label = payment_status(line)
        line.later = later.get(line.pk, [])
    exclusions = list(run_exclusions(run).select_related("application__enterprise__organisation")[:EXCLUSIONS_SHOWN])
    for exclusion in exclusions:
        exclusion.stage_label = STAGE_LABELS.get(exclusion.stage, exclusion.stage)
    corrections = list(run.corrections.select_related("corrects__run", "corrects__application", "requested_by"))
    transitions = list(run.transitions.select_related("actor"))
    for step in transitions:
        step.action_label = ACTION_LABELS.get(step.action, step.action)
    busy = run.job_status in BUSY
    approval = run_approval(run)
    approving = approval is not None and approval.under_way
    context = {
        "run": run,
        "policy_versions": run_versions(run),
        "totals": totals,
        "stages": [(STAGE_LABELS.get(stage, stage), count) for stage, count in totals.by_stage],
        "sources": [label for _source, label, _share, _short in totals.by_source],
        "page": page,
        "lines": lines,
        "exclusions": exclusions,
        "exclusions_more": max(run.excluded_count - len(exclusions), 0),
        "transitions": transitions,
        "corrections": corrections,
        "funded_later": funded_later,
        "funded_later_total": sum((item.amount for item in funded_later), ZERO),
        "carried_forward": carried_forward,
        "busy": busy,
        "progress": (progress_get("run", run.pk) or {}).get("progress", 0) if busy else None,
        "may_run": may_run,
        "may_compare": access.can(Capability.COMPARE_POLICIES),
        "may_export": access.can(Capability.EXPORT_LEDGER),
        "inline_ledger": run.line_count <= inline_limit(),
        "approval": approval_state(approval) if approval is not None else None,
        "approving": approving,
        "approval_failed": approval is not None
        and approval.status == JobStatus.FAILED
        and run.status == RunStatus.REVIEWED,
    }
    if may_run and run.status == RunStatus.DRAFT and not busy and run.generation:
        context["review_form"] = bound.get("review_form") or forms.CommentForm(auto_id="id_review_%s")
    if may_run and run.status == RunStatus.REVIEWED and not approving:
        context["return_form"] = bound.get("return_form") or forms.ReturnForm(auto_id="id_return_%s")
        context["approve_form"] = bound.get("approve_form") or forms.CommentForm(auto_id="id_approve_%s")
    if may_run and run.status == RunStatus.APPROVED:
        context["pay_form"] = bound.get("pay_form") or forms.PayRemainingForm(
            auto_id="id_pay_%s", initial={"paid_on": timezone.localdate()}
        )
    return render_page(request, access, "subsidies/runs/run_detail.html", context)


@program_view(Capability.VIEW_RUNS)
@require_GET
def run_detail(request, access, run):
    return _run_page(request, access, run_get(access=access, pk=run))


@program_view(Capability.VIEW_RUNS)
@require_GET
def run_progress(request, access, run):
    item = run_get(access=access, pk=run)
    reported = progress_get("run", item.pk)
    # the cache knows how far a job got; without it (expired, or down) a finished run is at 100
    fallback = 100 if item.job_status == JobStatus.DONE else 0
    progress = fallback if reported is None else reported.get("progress", fallback)
    return JsonResponse(
        {
            "status": item.job_status or "idle",
            "status_label": item.get_job_status_display(),
            "progress": progress,
            "message": item.job_message or (reported or {}).get("message", ""),
            "queued": outbox.queued_state(item),
        }
    )


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def run_recalculate(request, access, run):
    item = run_get(access=access, pk=run)
    try:
        runs.run_recalculate(access=access, run=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        outbox.announce(request, item, _("The calculation is queued; the page follows it."), level=messages.SUCCESS)
    return redirect(run_url(access, item))


def _run_step(request, access, run, step, prefix, done):
    """A step with an optional comment (mark reviewed, approve); refusals come back as messages."""
    item = run_get(access=access, pk=run)
    form = forms.CommentForm(request.POST, auto_id=f"id_{prefix}_%s")
    if form.is_valid():
        try:
            step(access=access, run=item, comment=form.cleaned_data["comment"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    return redirect(run_url(access, item))


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def run_review(request, access, run):
    done = _("The run is marked as reviewed. Another reviewer approves it next.")
    return _run_step(request, access, run, runs.run_review, "review", done)


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def run_return(request, access, run):
    item = run_get(access=access, pk=run)
    form = forms.ReturnForm(request.POST, auto_id="id_return_%s")
    if form.is_valid():
        try:
            runs.run_return(access=access, run=item, comment=form.cleaned_data["comment"])
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("The run is back in draft."))
            return redirect(run_url(access, item))
    return _run_page(request, access, item, return_form=form)


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def run_approve(request, access, run):
    item = run_get(access=access, pk=run)
    form = forms.CommentForm(request.POST, auto_id="id_approve_%s")
    if form.is_valid():
        try:
            approved = approvals.run_approve(access=access, run=item, comment=form.cleaned_data["comment"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            if approved.status == RunStatus.APPROVED:
                messages.success(request, _("The run is approved: its lines are frozen and the funding pools drawn."))
            else:
                _announce_approval(request, approved)
    return redirect(run_url(access, item))


def _announce_approval(request, run):
    outbox.announce(
        request,
        run_approval(run),
        _("The approval is under way in the background; the page follows it."),
        level=messages.SUCCESS,
    )


@program_view(Capability.VIEW_RUNS)
@require_GET
def run_approval_progress(request, access, run):
    """The run's latest approval job, for the page's progress bar (JSON: status, progress, message)."""
    approval = run_approval(run_get(access=access, pk=run))
    if approval is None:
        raise Http404
    state = approval_state(approval)
    return JsonResponse({**state, "requested_at": state["requested_at"].isoformat()})


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def run_approval_retry(request, access, run):
    item = run_get(access=access, pk=run)
    approval = run_approval(item)
    if approval is None:
        raise Http404
    try:
        approvals.approval_retry(access=access, approval=approval)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        _announce_approval(request, item)
    return redirect(run_url(access, item))


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def run_pay(request, access, run):
    item = run_get(access=access, pk=run)
    form = forms.PayRemainingForm(request.POST, auto_id="id_pay_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = runs.run_pay_remaining(
                access=access, run=item, paid_on=data["paid_on"], voucher=data["voucher"], note=data["note"]
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("%(count)s payments recorded.") % {"count": count})
            return redirect(run_url(access, item))
    return _run_page(request, access, item, pay_form=form)


# What-if ---------------------------------------------------------------------------------------------------

WHAT_IF_FIELDS = {"set": "overrides", "version": "version"}


@program_view(Capability.COMPARE_POLICIES)
@require_GET
def what_if(request, access, run):
    item = run_get(access=access, pk=run)
    form = forms.WhatIfForm(request.GET or None, versions=list(policy_version_list(program=access.program)))
    found = None
    if request.GET and form.is_valid():
        try:
            found = run_what_if(
                access=access,
                run=item,
                version=form.cleaned_data["version"],
                overrides=form.override_lines(),
                show=WHAT_IF_ROWS,
            )
        except PortalError as error:
            name, _sep, text = str(error.message).partition(": ")
            if name in WHAT_IF_FIELDS and text:
                form.add_error(WHAT_IF_FIELDS[name], text)
            else:
                form.add_error(None, error.message)
    return render_page(request, access, "subsidies/runs/what_if.html", {"run": item, "form": form, "found": found})
