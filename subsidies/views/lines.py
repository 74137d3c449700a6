"""One line of a run: its inputs, result, trace, allocations and payments; paying it, correcting it through a
draft, withdrawing a correction."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core.errors import PortalError
from portal.core.forms import show_portal_error
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import program_view, render_page
from subsidies import forms, runs
from subsidies.models import FUNDING_SOURCES, FundingSource, LineKind, RunStatus
from subsidies.selectors import (
    funded_amounts,
    line_allocations,
    line_carried,
    line_get,
    line_payments,
    outstanding,
    paid_amounts,
    run_get,
    run_list,
)
from subsidies.views.common import AMOUNT_LABELS, ZERO, line_url, money_text, payment_status, run_url


def result_view(line) -> dict:
    """The line's stored result (amounts as strings) in the shape policies/_result_body.html reads, with
    Decimals; the trace is shown apart."""
    result = line.result or {}
    return {
        "eligible": result.get("eligible", True),
        "reasons": result.get("reasons", []),
        "subsidy_lines": [
            {
                **item,
                "base": money_text(item["base"]),
                "rate": money_text(item["rate"]),
                "amount": money_text(item["amount"]),
            }
            for item in result.get("subsidy_lines", [])
        ],
        "subsidy_subtotal": money_text(result.get("subsidy_subtotal")),
        "cap": money_text(result.get("cap")),
        "subsidy": money_text(result.get("subsidy")) if "subsidy" in result else line.subsidy,
        "award_lines": [{**item, "amount": money_text(item["amount"])} for item in result.get("award_lines", [])],
        "total": money_text(result.get("total")) if "total" in result else line.total,
        "funding_lines": [{**item, "amount": money_text(item["amount"])} for item in result.get("funding_lines", [])],
    }


def _correction_rows(line) -> list[dict]:
    """Before, after and difference of an adjustment line, per amount."""
    correction = (line.result or {}).get("correction")
    if not correction:
        return []
    before, after = correction.get("before", {}), correction.get("after", {})
    rows = []
    for name, label in AMOUNT_LABELS.items():
        left, right = money_text(before.get(name, "0")), money_text(after.get(name, "0"))
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
        "awards_in": [(kind, money_text(amount)) for kind, amount in inputs.get("awards", [])],
        "audited": [
            (label, money_text(inputs.get(name)))
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
            return redirect(line_url(access, found))
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
            return redirect(run_url(access, target))
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
    return redirect(run_url(access, item) + "#corrections")
