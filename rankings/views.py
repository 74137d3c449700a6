"""The rankings in the browser.

- The providers' horse race (赛马): the ranking of a period with its groups, charts, the change since the last
  period and the dynamic list. A provider reads the same page, limited to the published periods and, unless the
  program publishes everyone's figures, to its own entries.
- The region rankings, for staff, where the program keeps them: the monthly township progress (每月晾晒) and
  the quarterly district ranking (季度晾晒) with its top three commended.
- The KPI board: the program's yearly targets beside what the portal counts (and, for a supervisor, the counts
  with the programs of its sub-regions).

Every snapshot, whatever its kind, is published and printed (the bulletin PDF: requested, followed while a
Celery task renders it, downloaded) through the same routes.

Thin like the other pages: reads through rankings.selectors, writes through rankings.services.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core import outbox
from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.web import program_view, render_page
from rankings import charts, selectors, services
from rankings.horse_race import INDICATORS, OVERALL
from rankings.kinds import indicator_labels
from rankings.models import BulletinStatus, PeriodKind, RankingKind, SnapshotStatus

MAX_ID = 2**63 - 1

# The page of each ranking kind
PAGES = {
    RankingKind.HORSE_RACE: "rankings:horse-race",
    RankingKind.TOWNSHIP: "rankings:townships",
    RankingKind.DISTRICT: "rankings:districts",
}


def _page_url(access, snapshot=None, **query) -> str:
    kind = snapshot.kind if snapshot is not None else RankingKind.HORSE_RACE
    url = reverse(PAGES[kind], kwargs={"program": access.program.slug})
    if snapshot is not None:
        query = {"snapshot": snapshot.pk, **query}
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def _int(value: str) -> int | None:
    """A positive id from the query string; anything else is none."""
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


def _period_label(code: str) -> str:
    return PeriodKind(code).label if code in PeriodKind.values else code


def _scheme_view(scheme: dict) -> dict:
    """The scheme a snapshot used, with the indicators' labels and group (progress or quality) beside the
    weights, in the indicators' order."""
    weights = scheme.get("weights", {})
    return {
        "period": _period_label(scheme.get("period", "")),
        "weights": [
            (indicator.label, indicator.group, Decimal(str(weights[indicator.code])))
            for indicator in INDICATORS
            if indicator.code in weights
        ],
        "bottom_n": scheme.get("bottom_n"),
        "bottom_periods": scheme.get("bottom_periods"),
        "publish_details": bool(scheme.get("publish_details")),
    }


@program_view()
@require_GET
def horse_race(request, access):
    """The chosen period (the latest by default) of the program's horse race."""
    staff = access.can(Capability.VIEW_RANKING)
    if not (staff or access.can(Capability.VIEW_OWN_RANKING)):
        raise PermissionDenied(_("Your roles in this program do not allow this."))
    snapshots = list(selectors.snapshot_list(access=access))
    context = {
        "snapshots": snapshots,
        "staff": staff,
        "indicator_labels": list(indicator_labels(RankingKind.HORSE_RACE).values()),
        "ranking_nav": _nav(access),
    }
    snapshot = _chosen(request, snapshots)
    if not staff:
        context["own_positions"] = list(selectors.own_positions(access=access))
    if snapshot is None:
        if staff:  # the period the daily job ranks on; made with the defaults if the program has none yet
            context["period_kind"] = services.scheme_of(access.program).get_period_display()
        return _render(request, access, context)
    groups = selectors.snapshot_groups(access=access, snapshot=snapshot)
    for group in groups:
        for entry in group.ranked:
            entry.moved = abs(entry.change) if entry.change else 0
    overall = next((group for group in groups if group.code == OVERALL), None)
    context.update(
        {
            "snapshot": snapshot,
            "scheme": _scheme_view(snapshot.scheme),
            "groups": groups,
            "flagged": [entry for entry in overall.ranked if entry.flagged] if overall else [],
            "trend": selectors.trend_chart(access=access, upto=snapshot),
            "may_publish": access.can(Capability.PUBLISH_RANKING) and snapshot.status != SnapshotStatus.PUBLISHED,
            "may_link_providers": staff and access.can(Capability.VIEW_PROVIDERS),
        }
    )
    if staff:
        context.update(_bulletin_context(request, snapshot))
    return _render(request, access, context)


def _nav(access):
    """Which ranking pages the program has, for staff (None for a provider): one query, and on a program's first
    visit before the daily job ran, its default schemes made first (as the daily job makes them)."""
    nav = selectors.ranking_nav(access=access)
    if nav is not None and not nav.schemes_made:
        services.schemes_ensure(access.program)
        nav = selectors.ranking_nav(access=access)
    return nav


def _chosen(request, snapshots):
    """The snapshot named by ?snapshot= among those listed, else the latest; 404 for an id not listed."""
    chosen = request.GET.get("snapshot", "")
    if not chosen:
        return snapshots[0] if snapshots else None
    wanted = _int(chosen)
    snapshot = next((item for item in snapshots if item.pk == wanted), None)
    if snapshot is None:  # unknown, another program's, another kind's, or (for a provider) not published: alike
        raise Http404
    return snapshot


def _render(request, access, context, template="rankings/horse_race.html"):
    return render_page(request, access, template, context)


def _bulletin_context(request, snapshot) -> dict:
    job = _int(request.GET.get("bulletin_job", ""))
    return {
        "bulletins": list(snapshot.bulletins.order_by("-created_at", "-pk")),
        "bulletin_job": snapshot.bulletin_jobs.filter(pk=job).first() if job else None,
    }


# Region rankings -----------------------------------------------------------------------------------------------


def _weights(kind, scheme: dict) -> list:
    """(indicator label, weight) of the scheme a snapshot used, in the kind's order."""
    weights = scheme.get("weights", {})
    return [(label, Decimal(str(weights[code]))) for code, label in indicator_labels(kind).items() if code in weights]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _region_page(request, access, kind):
    """The page of a region ranking: the chosen period (the latest by default) with the change since the
    period before, a bar chart, the weights, publishing and the bulletin; 404 where the program keeps none."""
    nav = _nav(access)
    if not nav.keeps(kind):
        raise Http404
    snapshots = list(selectors.snapshot_list(access=access, kind=kind))
    context = {"snapshots": snapshots, "ranking_nav": nav}
    snapshot = _chosen(request, snapshots)
    if snapshot is None:
        context["period_kind"] = services.scheme_of(access.program, kind).get_period_display()
        return _render(request, access, context, f"rankings/{kind}.html")
    groups = selectors.snapshot_groups(access=access, snapshot=snapshot)
    overall = groups[0] if groups else selectors.GroupView("", "")
    before = selectors.previous_values(snapshot=snapshot)
    for entry in overall.ranked + overall.unranked:
        entry.moved = abs(entry.change) if entry.change else 0
        entry.rate = _decimal(entry.values.get("completion_rate"))
        earlier = before.get(entry.subject_id)
        entry.rate_before = _decimal(earlier.get("completion_rate")) if earlier else None
        entry.rate_change = None if entry.rate is None or entry.rate_before is None else entry.rate - entry.rate_before
        entry.rate_moved = abs(entry.rate_change) if entry.rate_change else Decimal(0)
    if kind == RankingKind.TOWNSHIP:
        chart = charts.bar_chart(
            [charts.Bar(entry.subject_name, entry.rate) for entry in overall.ranked],
            maximum=Decimal(100),
            title=_("Completion rate (%)"),
        )
        trend = ""
    else:
        chart = charts.bar_chart(
            [charts.Bar(entry.subject_name, entry.score, entry.flagged) for entry in overall.ranked],
            title=_("Score"),
        )
        trend = selectors.trend_chart(access=access, upto=snapshot, title=_("Score by quarter"))
    context.update(
        {
            "snapshot": snapshot,
            "period_kind": _period_label(snapshot.scheme.get("period", "")),
            "weights": _weights(kind, snapshot.scheme),
            "overall": overall,
            "had_previous": bool(before),
            "commended": [entry for entry in overall.ranked if entry.flagged],
            "chart": chart,
            "trend": trend,
            "may_publish": access.can(Capability.PUBLISH_RANKING) and snapshot.status != SnapshotStatus.PUBLISHED,
            **_bulletin_context(request, snapshot),
        }
    )
    return _render(request, access, context, f"rankings/{kind}.html")


@program_view(Capability.VIEW_RANKING)
@require_GET
def townships(request, access):
    """Township progress (每月晾晒): per township, enterprises planned, filed, approved, completed and accepted,
    ranked by the completion rate."""
    return _region_page(request, access, RankingKind.TOWNSHIP)


@program_view(Capability.VIEW_RANKING)
@require_GET
def districts(request, access):
    """The quarterly district ranking (季度晾晒), the top three commended."""
    return _region_page(request, access, RankingKind.DISTRICT)


@program_view(Capability.VIEW_RANKING)
@require_GET
def kpi(request, access):
    """The KPI board: targets per year beside the program's counts (and the sub-regions' for a supervisor)."""
    board = selectors.kpi_view(access=access)
    for row in board.rows:
        row.cells = [
            (year, target, actual, rollup, selectors.kpi_percent(actual, target))
            for year, target, actual, rollup in row.years
        ]
        row.total_percent = selectors.kpi_percent(row.total_actual, row.total_target)
    context = {"board": board, "ranking_nav": _nav(access)}
    return _render(request, access, context, "rankings/kpi.html")


@program_view(Capability.PUBLISH_RANKING)
@require_POST
def publish(request, access, snapshot):
    item = selectors.snapshot_get(access=access, pk=snapshot)
    try:
        services.snapshot_publish(access=access, snapshot=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        if item.kind == RankingKind.HORSE_RACE:
            messages.success(request, _("The ranking is published: each provider now sees its position in it."))
        else:
            messages.success(request, _("The ranking is published."))
    return redirect(_page_url(access, item))


@program_view(Capability.VIEW_RANKING)
@require_POST
def bulletin_request(request, access, snapshot):
    item = selectors.snapshot_get(access=access, pk=snapshot)
    job = services.bulletin_request(access=access, snapshot=item)
    outbox.announce(request, job, _("The bulletin is being generated; it appears below when it is ready."))
    return redirect(_page_url(access, item, bulletin_job=job.pk) + "#bulletin")


@program_view(Capability.VIEW_RANKING)
@require_POST
def bulletin_retry(request, access, snapshot, bulletin_job):
    """Render a failed bulletin job again, on the same record; the page follows it."""
    item = selectors.snapshot_get(access=access, pk=snapshot)
    found = get_or_404(item.bulletin_jobs.all(), bulletin_job)
    try:
        services.bulletin_retry(access=access, job=found)
        outbox.announce(request, found, _("The bulletin is being generated; it appears below when it is ready."))
    except PortalError as error:
        messages.error(request, error.message)
    return redirect(_page_url(access, item, bulletin_job=found.pk) + "#bulletin")


@program_view(Capability.VIEW_RANKING)
@require_GET
def bulletin_job(request, access, snapshot, bulletin_job):
    item = selectors.snapshot_get(access=access, pk=snapshot)
    found = get_or_404(item.bulletin_jobs.all(), bulletin_job)
    download = ""
    if found.status == BulletinStatus.DONE and found.bulletin_id:
        download = reverse(
            "rankings:bulletin-download",
            kwargs={"program": access.program.slug, "snapshot": item.pk, "bulletin": found.bulletin_id},
        )
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "progress": found.progress,
            "message": found.message,
            "queued": outbox.queued_state(found),
            "download": download,
        }
    )


@program_view(Capability.VIEW_RANKING)
@require_GET
def bulletin_download(request, access, snapshot, bulletin):
    item = selectors.snapshot_get(access=access, pk=snapshot)
    return stored_file_response(get_or_404(item.bulletins.all(), bulletin))
