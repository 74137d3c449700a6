"""Calculation runs in the browser (批次核算): the runs of a program, one run with its totals, lines and steps, one
line with its inputs, result, trace, allocations and payments; what-ifs; funding pools; awards; Excel ledgers;
and an enterprise's own subsidies.

Thin like the other pages: each view reads through subsidies.run_selectors, writes through subsidies.runs (or
subsidies.ledger_jobs), and shows a service's refusal on the form it came from or as a message.
"""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies.selectors import policy_snapshot, policy_version_for_quote, policy_version_list
from portal.core import outbox
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.forms import show_portal_error
from portal.core.progress import progress_get
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import paginate, program_view, render_page
from subsidies import approvals, runs
from subsidies import run_forms as forms
from subsidies.calculation import Stage
from subsidies.ledger_jobs import XLSX, inline_limit, ledger_bytes, ledger_filename, ledger_request, ledger_retry
from subsidies.models import (
    FUNDING_SOURCES,
    FundingSource,
    JobStatus,
    LedgerFile,
    LedgerJob,
    LineKind,
    RunStatus,
)
from subsidies.run_selectors import (
    approval_state,
    award_candidates,
    award_list,
    carried_by_run,
    carried_to_run,
    funded_amounts,
    ledger_count,
    ledger_jobs,
    line_allocations,
    line_carried,
    line_get,
    line_payments,
    outstanding,
    own_subsidy_lines,
    paid_amounts,
    payment_state,
    pool_allocations,
    pool_carried,
    pool_list,
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

ZERO = Decimal("0.00")
BUSY = (JobStatus.QUEUED, JobStatus.RUNNING)
EXCLUSIONS_SHOWN = 100
CARRIED_SHOWN = 200
WHAT_IF_ROWS = 100
LEDGER_JOBS_SHOWN = 10

STAGE_LABELS = {
    Stage.NOT_ANNOUNCED: gettext_lazy("Not announced yet"),
    Stage.ANNOUNCING: gettext_lazy("In public announcement"),
    Stage.ON_HOLD: gettext_lazy("On hold"),
    Stage.NO_AUDIT: gettext_lazy("No financial audit"),
    Stage.POLICY: gettext_lazy("The policy cannot evaluate it"),
    Stage.INELIGIBLE: gettext_lazy("Not eligible"),
}
ACTION_LABELS = {
    "create": gettext_lazy("Created"),
    "review": gettext_lazy("Marked as reviewed"),
    "return": gettext_lazy("Returned to draft"),
    "approve": gettext_lazy("Approved"),
    "paid": gettext_lazy("Paid in full"),
}
AMOUNT_LABELS = {
    "subsidy": gettext_lazy("Subsidy"),
    "awards": gettext_lazy("Awards"),
    "total": gettext_lazy("Total"),
    **{source: FundingSource(source).label for source in FUNDING_SOURCES},
}


def _run_url(access, run, name="subsidies:run") -> str:
    return reverse(name, kwargs={"program": access.program.slug, "run": run.pk})


def _line_url(access, line) -> str:
    return reverse("subsidies:line", kwargs={"program": access.program.slug, "run": line.run_id, "line": line.pk})


def payment_status(line) -> tuple[str, str]:
    """(code, label) of what has been paid on a line, as the ledger says it: against what the pools funded, at
    the line's approval and later."""
    return payment_state(line.total - line.unfunded + line.funded_later, line.paid)


# The runs --------------------------------------------------------------------------------------------------


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
                return redirect(_run_url(access, run))
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
    if may_run and run.status == RunStatus.DRAFT:
        context["may_withdraw"] = True
        context["may_recalculate"] = not busy
        if not busy and run.generation:
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
    return redirect(_run_url(access, item))


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
    return redirect(_run_url(access, item))


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
            return redirect(_run_url(access, item))
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
    return redirect(_run_url(access, item))


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
    return redirect(_run_url(access, item))


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
            return redirect(_run_url(access, item))
    return _run_page(request, access, item, pay_form=form)


# One line --------------------------------------------------------------------------------------------------


def _money(value):
    return None if value in (None, "") else Decimal(value)


def result_view(line) -> dict:
    """The line's stored result (amounts as strings) in the shape policies/_result_body.html reads, with
    Decimals; the trace is shown apart."""
    result = line.result or {}
    return {
        "eligible": result.get("eligible", True),
        "reasons": result.get("reasons", []),
        "subsidy_lines": [
            {**item, "base": _money(item["base"]), "rate": _money(item["rate"]), "amount": _money(item["amount"])}
            for item in result.get("subsidy_lines", [])
        ],
        "subsidy_subtotal": _money(result.get("subsidy_subtotal")),
        "cap": _money(result.get("cap")),
        "subsidy": _money(result.get("subsidy")) if "subsidy" in result else line.subsidy,
        "award_lines": [{**item, "amount": _money(item["amount"])} for item in result.get("award_lines", [])],
        "total": _money(result.get("total")) if "total" in result else line.total,
        "funding_lines": [{**item, "amount": _money(item["amount"])} for item in result.get("funding_lines", [])],
    }


def _correction_rows(line) -> list[dict]:
    """Before, after and difference of an adjustment line, per amount."""
    correction = (line.result or {}).get("correction")
    if not correction:
        return []
    before, after = correction.get("before", {}), correction.get("after", {})
    rows = []
    for name, label in AMOUNT_LABELS.items():
        left, right = _money(before.get(name, "0")), _money(after.get(name, "0"))
        if name in FUNDING_SOURCES and not (left or right):
            continue
        rows.append({"label": label, "before": left, "after": right, "difference": right - left})
    return rows


def _line_page(request, access, run, line, **bound):
    may_run = access.can(Capability.RUN_SUBSIDY)
    funded = funded_amounts([line])
    paid = paid_amounts([line])
    by_source = [
        {
            "source": source,
            "label": FundingSource(source).label,
            "share": line.share(source),
            "funded": funded.get((line.pk, source), ZERO),
            "paid": paid[(line.pk, source)],
            "left": funded.get((line.pk, source), ZERO) - paid[(line.pk, source)],
        }
        for source in FUNDING_SOURCES
        if line.share(source) or paid[(line.pk, source)]
    ]
    carried = list(line_carried(line))
    inputs = line.inputs or {}
    context = {
        "run": run,
        "line": line,
        "inputs": inputs,
        "awards_in": [(kind, _money(amount)) for kind, amount in inputs.get("awards", [])],
        "audited": [
            (label, _money(inputs.get(name)))
            for name, label in (
                ("n_software", _("N software")),
                ("n_hardware", _("N hardware")),
                ("x_software", _("X software")),
                ("x_hardware", _("X hardware")),
                ("automation", _("Automation equipment")),
            )
        ],
        "result": result_view(line),
        "trace": (line.result or {}).get("trace", []),
        "correction": (line.result or {}).get("correction"),
        "correction_rows": _correction_rows(line),
        "allocations": list(line_allocations(line)),
        "carried": carried,
        "still_unfunded": line.unfunded - line.funded_later,
        "payments": list(line_payments(line)),
        "by_source": by_source,
        "payment_code": payment_status(line)[0],
        "payment_label": payment_status(line)[1],
    }
    # what is still to pay: at the line's approval (while its run is approved), then what later runs funded
    # (while the run that funded it is approved)
    open_rows = (
        [(row["source"], row["left"]) for row in by_source if row["left"]] if run.status == RunStatus.APPROVED else []
    )
    open_rows += [
        (item.pool.source, item.amount - item.paid)
        for item in carried
        if item.amount != item.paid and item.run.status == RunStatus.APPROVED
    ]
    if "payment_form" in bound:
        context["payment_form"] = bound["payment_form"]
    elif may_run and open_rows:
        source, left = open_rows[0]
        context["payment_form"] = forms.PaymentForm(
            sources=list(dict.fromkeys(source for source, _left in open_rows)),
            initial={"source": source, "amount": left, "paid_on": timezone.localdate()},
        )
    if may_run and line.frozen and line.kind == LineKind.PROJECT:
        drafts = list(run_list(access=access, status=RunStatus.DRAFT))
        context["drafts"] = drafts
        context["correction_form"] = bound.get("correction_form") or forms.CorrectionForm(drafts=drafts)
    return render_page(request, access, "subsidies/runs/line_detail.html", context)


def _run_and_line(access, run, line):
    item = run_get(access=access, pk=run)
    return item, line_get(access=access, run=item, pk=line)


@program_view(Capability.VIEW_RUNS)
@require_GET
def line_detail(request, access, run, line):
    return _line_page(request, access, *_run_and_line(access, run, line))


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def line_pay(request, access, run, line):
    item, found = _run_and_line(access, run, line)
    own = [source for _pk, source in outstanding([found])] if item.status == RunStatus.APPROVED else []
    later = [
        carried
        for carried in line_carried(found)
        if carried.amount != carried.paid and carried.run.status == RunStatus.APPROVED
    ]
    form = forms.PaymentForm(request.POST, sources=list(dict.fromkeys([*own, *(c.pool.source for c in later)])))
    if form.is_valid():
        data = form.cleaned_data
        # the line's own share first, then the earliest later funding of that source
        carried = None
        if data["source"] not in own:
            carried = next(c for c in later if c.pool.source == data["source"])
        try:
            runs.payment_record(
                access=access,
                line=found,
                carried=carried,
                source=data["source"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                voucher=data["voucher"],
                note=data["note"],
            )
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect(_line_url(access, found))
    return _line_page(request, access, item, found, payment_form=form)


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def line_correct(request, access, run, line):
    item, found = _run_and_line(access, run, line)
    form = forms.CorrectionForm(request.POST, drafts=list(run_list(access=access, status=RunStatus.DRAFT)))
    if form.is_valid():
        target = run_get(access=access, pk=form.cleaned_data["run"])
        try:
            runs.correction_raise(access=access, run=target, line=found, reason=form.cleaned_data["reason"])
        except PortalError as error:
            show_portal_error(form, error)
        else:
            messages.success(
                request,
                _("Correction raised in run %(number)s; its calculation is queued.") % {"number": target.number},
            )
            return redirect(_run_url(access, target))
    return _line_page(request, access, item, found, correction_form=form)


@program_view(Capability.RUN_SUBSIDY)
@require_POST
def correction_withdraw(request, access, run, correction):
    item = run_get(access=access, pk=run)
    found = get_or_404(item.corrections.select_related("run"), correction)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the correction is withdrawn."))
    else:
        try:
            runs.correction_withdraw(access=access, correction=found, reason=form.cleaned_data["reason"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Correction withdrawn; the run is calculated again."))
    return redirect(_run_url(access, item) + "#corrections")


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


# Funding pools ---------------------------------------------------------------------------------------------


@program_view(Capability.VIEW_RUNS)
@require_http_methods(["GET", "POST"])
def pools(request, access):
    rows = list(pool_list(access=access))
    form = None
    if request.method == "POST":
        access.require(Capability.MANAGE_FUNDS)
        form = forms.PoolForm(request.POST)
        if form.is_valid():
            try:
                runs.pool_save(access=access, **form.cleaned_data)
            except PortalError as error:
                show_portal_error(form, error)
            else:
                messages.success(request, _("The funding pool is saved. The change is in the history."))
                return redirect("subsidies:pools", program=access.program.slug)
    elif access.can(Capability.MANAGE_FUNDS):
        chosen = next((pool for pool in rows if pool.source == request.GET.get("source")), None)
        initial = {"source": chosen.source, "budget": chosen.budget, "note": chosen.note} if chosen else {}
        form = forms.PoolForm(initial=initial)
    for pool in rows:
        pool.percent = int(pool.allocated * 100 / pool.budget) if pool.budget else 0
    return render_page(request, access, "subsidies/runs/pool_list.html", {"pools": rows, "form": form})


@program_view(Capability.VIEW_RUNS)
@require_GET
def pool_detail(request, access, pool):
    item = get_or_404(pool_list(access=access), pool)
    return render_page(
        request,
        access,
        "subsidies/runs/pool_detail.html",
        {"pool": item, "allocations": list(pool_allocations(item)), "carried": list(pool_carried(item))},
    )


# Awards ----------------------------------------------------------------------------------------------------


def _award_form(access, data=None):
    projects = award_candidates(access=access)
    try:
        kinds = runs.project_award_limits(policy_snapshot(version=policy_version_for_quote(program=access.program)))
    except PortalError:
        kinds = {}
    return forms.AwardForm(data, projects=projects, kinds=kinds)


@program_view(Capability.VIEW_RUNS)
@require_http_methods(["GET", "POST"])
def awards(request, access):
    form = None
    if request.method == "POST":
        access.require(Capability.GRANT_AWARD)
        form = _award_form(access, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                runs.award_grant(
                    access=access,
                    application=data["application"],
                    kind=data["kind"],
                    amount=data["amount"],
                    reference=data["reference"],
                    decided_on=data["decided_on"],
                    reason=data["reason"],
                )
            except PortalError as error:
                show_portal_error(form, error)
            else:
                messages.success(request, _("Award granted. The next calculation of the project pays it."))
                return redirect("subsidies:awards", program=access.program.slug)
    elif access.can(Capability.GRANT_AWARD):
        form = _award_form(access)
    return render_page(
        request,
        access,
        "subsidies/runs/award_list.html",
        {
            "page": paginate(request, award_list(access=access)),
            "form": form,
            "may_grant": access.can(Capability.GRANT_AWARD),
        },
    )


@program_view(Capability.GRANT_AWARD)
@require_POST
def award_withdraw(request, access, award):
    found = get_or_404(award_list(access=access), award)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the award is withdrawn."))
    else:
        try:
            runs.award_withdraw(access=access, award=found, reason=form.cleaned_data["reason"])
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Award withdrawn. The next calculation of the project leaves it out."))
    return redirect("subsidies:awards", program=access.program.slug)


# Ledgers ---------------------------------------------------------------------------------------------------


def _job_file(job):
    try:
        return job.file_record
    except LedgerFile.DoesNotExist:
        return None


def _ledger_download(program, run):
    response = HttpResponse(ledger_bytes(program, run), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{ledger_filename(program, run)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ledger_page(request, access, run=None):
    """GET: the page, or (`?download=1`) a small ledger at once, writing nothing. POST: a small ledger at once,
    a large one queued as a job that the page follows."""
    count = ledger_count(access.program, run)
    small = count <= inline_limit()
    slug = access.program.slug
    here = (
        reverse("subsidies:run-ledger", kwargs={"program": slug, "run": run.pk})
        if run
        else reverse("subsidies:ledger", kwargs={"program": slug})
    )
    if request.method == "POST":
        if small:
            return _ledger_download(access.program, run)
        job = ledger_request(access=access, run=run)
        outbox.announce(request, job, _("The ledger is being built; the download appears below when it is ready."))
        return redirect(f"{here}?job={job.pk}")
    if request.GET.get("download"):
        if small:
            return _ledger_download(access.program, run)
        messages.warning(request, _("This ledger is too large to build at once: build it in the background."))
    jobs = ledger_jobs(access=access, run=run)
    followed = request.GET.get("job", "")
    return render_page(
        request,
        access,
        "subsidies/runs/ledger.html",
        {
            "run": run,
            "count": count,
            "small": small,
            "limit": inline_limit(),
            "jobs": list(jobs[:LEDGER_JOBS_SHOWN]),
            "job": jobs.filter(pk=int(followed)).first() if followed.isdigit() else None,
        },
    )


@program_view(Capability.EXPORT_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger(request, access):
    return _ledger_page(request, access)


@program_view(Capability.EXPORT_LEDGER)
@require_http_methods(["GET", "POST"])
def run_ledger(request, access, run):
    return _ledger_page(request, access, run_get(access=access, pk=run))


def _ledger_job(access, pk) -> LedgerJob:
    return get_or_404(ledger_jobs(access=access, run=None, every=True), pk)


@program_view(Capability.EXPORT_LEDGER)
@require_GET
def ledger_job(request, access, ledger_job):
    job = _ledger_job(access, ledger_job)
    reported = progress_get("ledger", job.pk) or {}
    done = job.status == JobStatus.DONE and _job_file(job) is not None
    download = (
        reverse("subsidies:ledger-download", kwargs={"program": access.program.slug, "ledger_job": job.pk})
        if done
        else ""
    )
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": 100 if job.status == JobStatus.DONE else max(job.progress, reported.get("progress", 0)),
            "message": job.message or reported.get("message", ""),
            "queued": outbox.queued_state(job),
            "download": download,
        }
    )


@program_view(Capability.EXPORT_LEDGER)
@require_POST
def ledger_job_retry(request, access, ledger_job):
    """Build a failed ledger job again, on the same record; the page follows it."""
    job = _ledger_job(access, ledger_job)
    try:
        ledger_retry(access=access, job=job)
        outbox.announce(
            request, job, _("The ledger is being built again; the download appears below when it is ready.")
        )
    except PortalError as error:
        messages.error(request, error.message)
    slug = access.program.slug
    here = (
        reverse("subsidies:run-ledger", kwargs={"program": slug, "run": job.run_id})
        if job.run_id
        else reverse("subsidies:ledger", kwargs={"program": slug})
    )
    return redirect(f"{here}?job={job.pk}")


@program_view(Capability.EXPORT_LEDGER)
@require_GET
def ledger_download(request, access, ledger_job):
    found = _job_file(_ledger_job(access, ledger_job))
    if found is None:
        raise Http404
    return stored_file_response(found)


# An enterprise's own subsidies ------------------------------------------------------------------------------


@program_view(Capability.VIEW_OWN_SUBSIDY)
@require_GET
def my_subsidies(request, access):
    page = paginate(request, own_subsidy_lines(access=access))
    lines = list(page.object_list)
    for line in lines:
        line.payment_code, line.payment_label = payment_status(line)
    return render_page(
        request,
        access,
        "subsidies/runs/my_subsidies.html",
        {"page": page, "lines": lines, "may_read_filings": access.can(Capability.VIEW_FILINGS)},
    )
