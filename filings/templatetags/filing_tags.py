from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from filings.models import overdue_on
from portal.core.money import format_yuan
from portal.core.templatetags.money import yuan

register = template.Library()

BADGES = {
    "submitted": "badge-blue",
    "resubmitted": "badge-blue",
    "returned": "badge-amber",
    "approved": "badge-green",
    "rejected": "badge-red",
}


@register.simple_tag
def status_badge(status, label):
    """A filing status as a badge: `status` (the code) and `label` (its display text)."""
    return format_html('<span class="badge {}">{}</span>', BADGES.get(status, "badge-grey"), label)


OVERDUE = '<span class="badge badge-red badge-overdue" title="{}">{}</span>'
SHANGHAI = ZoneInfo("Asia/Shanghai")


@register.simple_tag(takes_context=True)
def queue_rows(context, rows):
    """The rows of the filing queue (templates/filings/application_list.html), written here rather than in
    template nodes: the queue is the page reviewers open all day, and 50 rows of nested template nodes cost
    several times the database's work for them (see bench/bench_scale.py)."""
    program, may_review = context["program"], context["may_review"]
    tracks = {track.code: track.name for track in context["tracks"]}
    detail = reverse("filings:detail", kwargs={"program": program.slug, "application": 0})[: -len("0/")]
    today = timezone.localdate()
    return mark_safe("".join(_queue_row(row, detail, tracks, may_review, today) for row in rows))  # noqa: S308


def _queue_row(row, detail, tracks, may_review, today) -> str:
    enterprise = row.enterprise
    cells = []
    if may_review:
        checkbox = ""
        if row.status in ("submitted", "resubmitted"):
            label = _("Select the filing of %(name)s") % {"name": enterprise.organisation.name}
            checkbox = format_html('<input type="checkbox" name="ids" value="{}" aria-label="{}">', row.pk, label)
        cells.append(format_html('<td class="select-cell">{}</td>', checkbox))
    number = (
        format_html('<span class="mono">{}</span>', row.filing_number)
        if row.filing_number
        else format_html('<span class="muted">{}</span>', _("Not numbered"))
    )
    cells.append(format_html('<td class="nowrap">{}</td>', number))
    cells.append(
        format_html(
            '<td><a class="row-title" href="{}{}/">{}</a><span class="row-sub">{}</span>'
            '<span class="row-sub mono">{}</span></td>',
            detail,
            row.pk,
            enterprise.organisation.name,
            row.title,
            enterprise.organisation.uscc,
        )
    )
    township = enterprise.township.display_name if enterprise.township else "—"
    cells.append(format_html('<td>{}<span class="row-sub">{}</span></td>', enterprise.industry.display_name, township))
    track = tracks.get(row.track) or format_html('<span class="mono">{}</span>', row.track)
    provider = row.provider.organisation.name if row.provider else "—"
    cells.append(format_html('<td>{}<span class="row-sub">{}</span></td>', track, provider))
    cells.append(
        format_html(
            '<td class="num">{}<span class="row-sub">{} / {}</span></td>',
            yuan(row.total),
            format_yuan(row.n_total),
            format_yuan(row.x_total),
        )
    )
    if row.submitted_at:
        local = timezone.localtime(row.submitted_at, SHANGHAI)
        submitted = format_html('<time datetime="{}">{}</time>', local.isoformat(), local.strftime("%Y-%m-%d %H:%M"))
    else:
        submitted = mark_safe('<span class="muted">—</span>')
    batch = row.batch.name if row.batch else "—"
    cells.append(format_html('<td class="nowrap">{}<span class="row-sub">{}</span></td>', submitted, batch))
    state = [status_badge(row.status, row.get_status_display())]
    if overdue_on(row, today):
        state.append(format_html(OVERDUE, _("Past the implementation deadline and not complete"), _("Overdue")))
    if row.implementation_deadline:
        by = _("by %(date)s") % {"date": row.implementation_deadline.strftime("%Y-%m-%d")}
        state.append(format_html('<span class="row-sub nowrap">{}</span>', by))
    cells.append(format_html("<td>{}</td>", mark_safe("".join(state))))  # noqa: S308
    return format_html("<tr>{}</tr>", mark_safe("".join(cells)))  # noqa: S308
