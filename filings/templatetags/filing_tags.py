from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from filings.models import Status, overdue_on
from filings.selectors import QueueRow
from portal.core.money import format_yuan
from portal.core.templatetags.badges import status_badge
from portal.core.templatetags.money import yuan

register = template.Library()

SHANGHAI = ZoneInfo("Asia/Shanghai")


@register.simple_tag(takes_context=True)
def queue_rows(context, rows):
    """The rows of the filing queue (templates/filings/application_list.html), written here rather than in
    template nodes: the queue is the page reviewers open all day, and 50 rows of nested template nodes cost
    several times the database's work for them (see bench/bench_scale.py). Everything a row reads that does not
    depend on the row (labels, translations, the link prefix) is looked up once per page."""
    program = context["program"]
    page = _QueuePage(
        may_review=context["may_review"],
        tracks=dict(context["options"]["tracks"]),
        detail=reverse("filings:detail", kwargs={"program": program.slug, "application": 0})[: -len("0/")],
        today=timezone.localdate(),
        statuses={code: str(label) for code, label in Status.choices},
        not_numbered=escape(_("Not numbered")),
        select=_("Select the filing of %(name)s"),
        by=_("by %(date)s"),
        overdue=format_html(
            '<span class="badge badge-red badge-overdue" title="{}">{}</span>',
            _("Past the implementation deadline and not complete"),
            _("Overdue"),
        ),
    )
    return mark_safe("".join(_queue_row(row, page) for row in rows))  # noqa: S308 — every value escaped below


@dataclass(frozen=True)
class _QueuePage:
    may_review: bool
    tracks: dict
    detail: str
    today: object
    statuses: dict
    not_numbered: str
    select: str
    by: str
    overdue: str


def _queue_row(row: QueueRow, page: _QueuePage) -> str:
    cells = []
    if page.may_review:
        checkbox = ""
        if row.status in ("submitted", "resubmitted"):
            label = escape(page.select % {"name": row.enterprise})
            checkbox = f'<input type="checkbox" name="ids" value="{row.pk}" aria-label="{label}">'
        cells.append(f'<td class="select-cell">{checkbox}</td>')
    if row.filing_number:
        cells.append(f'<td class="nowrap"><span class="mono">{escape(row.filing_number)}</span></td>')
    else:
        cells.append(f'<td class="nowrap"><span class="muted">{page.not_numbered}</span></td>')
    cells.append(
        f'<td><a class="row-title" href="{page.detail}{row.pk}/">{escape(row.enterprise)}</a>'
        f'<span class="row-sub">{escape(row.title)}</span>'
        f'<span class="row-sub mono">{escape(row.uscc)}</span></td>'
    )
    township = escape(row.township) if row.township else "—"
    cells.append(f'<td>{escape(row.industry)}<span class="row-sub">{township}</span></td>')
    track = (
        escape(page.tracks[row.track]) if row.track in page.tracks else f'<span class="mono">{escape(row.track)}</span>'
    )
    provider = escape(row.provider) if row.provider else "—"
    cells.append(f'<td>{track}<span class="row-sub">{provider}</span></td>')
    cells.append(
        f'<td class="num">{yuan(row.total)}'
        f'<span class="row-sub">{format_yuan(row.n_total)} / {format_yuan(row.x_total)}</span></td>'
    )
    if row.submitted_at:
        local = timezone.localtime(row.submitted_at, SHANGHAI)
        submitted = f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d %H:%M}</time>'
    else:
        submitted = '<span class="muted">—</span>'
    batch = escape(row.batch) if row.batch else "—"
    cells.append(f'<td class="nowrap">{submitted}<span class="row-sub">{batch}</span></td>')
    state = status_badge("filing", row.status, page.statuses.get(row.status, row.status))
    if overdue_on(row, page.today):
        state += page.overdue
    if row.implementation_deadline:
        by = escape(page.by % {"date": f"{row.implementation_deadline:%Y-%m-%d}"})
        state += f'<span class="row-sub nowrap">{by}</span>'
    cells.append(f"<td>{state}</td>")
    return f"<tr>{''.join(cells)}</tr>"
