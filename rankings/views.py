"""The providers' horse race (赛马) in the browser: the ranking of a period with its groups, charts, the change
since the last period and the dynamic list; publishing a period; the bulletin PDF (requested, followed while a
Celery task renders it, downloaded). A provider reads the same page, limited to the published periods and, unless
the program publishes everyone's figures, to its own entries.

Thin like the other pages: reads through rankings.selectors, writes through rankings.services.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core.errors import PortalError
from portal.core.files import stored_file_response
from portal.core.queries import get_or_404
from portal.core.roles import Capability
from programs.views import program_view
from rankings import selectors, services
from rankings.horse_race import INDICATORS, OVERALL
from rankings.kinds import indicator_labels
from rankings.models import BulletinStatus, PeriodKind, RankingKind, SnapshotStatus

MAX_ID = 2**63 - 1


def _page_url(access, snapshot=None, **query) -> str:
    url = reverse("rankings:horse-race", kwargs={"program": access.program.slug})
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
    }
    chosen = request.GET.get("snapshot", "")
    if chosen:
        wanted = _int(chosen)
        snapshot = next((item for item in snapshots if item.pk == wanted), None)
        if snapshot is None:  # unknown, another program's, or (for a provider) not published: alike
            raise Http404
    else:
        snapshot = snapshots[0] if snapshots else None
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
        context["bulletins"] = list(snapshot.bulletins.order_by("-created_at", "-pk"))
        job = _int(request.GET.get("bulletin_job", ""))
        context["bulletin_job"] = snapshot.bulletin_jobs.filter(pk=job).first() if job else None
    return _render(request, access, context)


def _render(request, access, context):
    return render(request, "rankings/horse_race.html", {"access": access, "program": access.program, **context})


@program_view(Capability.PUBLISH_RANKING)
@require_POST
def publish(request, access, snapshot):
    item = selectors.snapshot_get(access=access, pk=snapshot)
    try:
        services.snapshot_publish(access=access, snapshot=item)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The ranking is published: each provider now sees its position in it."))
    return redirect(_page_url(access, item))


@program_view(Capability.VIEW_RANKING)
@require_POST
def bulletin_request(request, access, snapshot):
    item = selectors.snapshot_get(access=access, pk=snapshot)
    job = services.bulletin_request(access=access, snapshot=item)
    messages.info(request, _("The bulletin is being generated; it appears below when it is ready."))
    return redirect(_page_url(access, item, bulletin_job=job.pk) + "#bulletin")


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
            "download": download,
        }
    )


@program_view(Capability.VIEW_RANKING)
@require_GET
def bulletin_download(request, access, snapshot, bulletin):
    item = selectors.snapshot_get(access=access, pk=snapshot)
    return stored_file_response(get_or_404(item.bulletins.all(), bulletin))
