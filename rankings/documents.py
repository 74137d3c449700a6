"""The horse-race bulletin (赛马通报) as a PDF: the snapshot's data read once, a fingerprint of what it shows,
and the rendering (A4, Chinese, the bureau's title block, tables that break cleanly, the charts as SVG)."""

import hashlib
import json

from portal.core.pdf import RenderedPdf, render_pdf
from rankings import charts, horse_race
from rankings.kinds import indicator_labels

# The bulletin's title, what its rows are, and how it reads, per ranking kind (the PDF is always in Chinese).
TITLES = {
    "horse_race": {
        "title": "服务商赛马通报",
        "subject_label": "服务商",
        "intro": "本期对中选服务商按进度与质量两类指标评价：各指标在同一细分行业（或全部行业）的服务商之间"
        "按最小—最大法归一，"
        "按项目设定的权重加权后满分 100 分。尚无项目的服务商列于表后，不参与排名。",
        "marks_title": "动态管理名单",
        "mark_class": "flag",
    },
    "township": {
        "title": "乡镇（街道）数字化改造进度晾晒",
        "subject_label": "乡镇（街道）",
        "intro": "按摸底企业清单计划改造数、申报数、备案通过数、完成数与验收通过数统计各乡镇（街道）进度，"
        "以完成率（完成数 ÷ 计划数）排名。尚无计划数的乡镇（街道）列于表后，不参与排名。",
        "marks_title": "",
        "mark_class": "",
    },
    "district": {
        "title": "县（市、区）试点工作季度晾晒",
        "subject_label": "县（市、区）",
        "intro": "按签约试点项目数、实施进度、验收通过项目数与获得荣誉数四项指标，在各县（市、区）之间"
        "按最小—最大法归一，"
        "按项目设定的权重加权后满分 100 分；前三名予以通报表扬。",
        "marks_title": "通报表扬",
        "mark_class": "commended",
    },
}


def bulletin_data(snapshot) -> dict:
    """Every group of the snapshot with its entries, its bar chart, and the overall trend over the periods."""
    from rankings.models import RankingEntry, RankingSnapshot

    entries = list(snapshot.entries.all().order_by("group", "rank", "subject_name"))
    labels = indicator_labels(snapshot.kind)
    groups = {}
    for entry in entries:
        group = groups.setdefault(
            entry.group, {"code": entry.group, "name": entry.group_name, "ranked": [], "unranked": []}
        )
        entry.cells = [entry.values.get(code) for code in labels]
        (group["ranked"] if entry.rank is not None else group["unranked"]).append(entry)
    for group in groups.values():
        group["chart"] = charts.bar_chart(
            [charts.Bar(entry.subject_name, entry.score, entry.flagged) for entry in group["ranked"]],
            title=f"{group['name']} · 综合得分",
        )
    ordered = sorted(groups.values(), key=lambda group: (group["code"] != horse_race.OVERALL, group["code"]))
    earlier = list(
        RankingSnapshot.objects.filter(
            program=snapshot.program, kind=snapshot.kind, period_start__lte=snapshot.period_start
        ).order_by("-period_start")[:12]
    )[::-1]
    scores = {}
    for snapshot_id, subject, name, score in RankingEntry.objects.filter(
        snapshot__in=earlier, group=horse_race.OVERALL
    ).values_list("snapshot_id", "subject_id", "subject_name", "score"):
        scores.setdefault((subject, name), {})[snapshot_id] = score
    trend = charts.line_chart(
        [f"{item.period_end:%m-%d}" for item in earlier],
        [
            charts.Series(name, [found.get(item.pk) for item in earlier])
            for (_id, name), found in sorted(scores.items(), key=lambda kv: kv[0][1])
        ],
        title="综合得分走势",
    )
    return {
        "snapshot": snapshot,
        "program": snapshot.program,
        **TITLES[snapshot.kind],
        "groups": ordered,
        "indicators": list(labels.values()),
        "flagged": [entry for entry in entries if entry.flagged],
        "trend": trend,
    }


def bulletin_fingerprint(data: dict) -> str:
    """A digest of what the bulletin shows: a snapshot is immutable, so its bulletin is made once per state."""
    snapshot = data["snapshot"]
    facts = {
        "snapshot": snapshot.pk,
        "status": snapshot.status,
        "published_at": snapshot.published_at.isoformat() if snapshot.published_at else None,
        "entries": sum(len(group["ranked"]) + len(group["unranked"]) for group in data["groups"]),
        "trend": hashlib.sha256(str(data["trend"]).encode()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def bulletin_pdf(data: dict) -> RenderedPdf:
    return render_pdf("rankings/pdf/bulletin.html", data)
