"""The acceptance report as a PDF: a pure function from the review's data to bytes (WeasyPrint, A4, Chinese in
Noto Sans CJK SC). Kept apart from HTTP and from Celery so both the task and the tests call the same thing."""

import hashlib
import json

from acceptance.models import AMOUNT_FIELDS
from acceptance.selectors import review_result
from policies.models import PolicyTrack, VersionStatus
from portal.core.pdf import RenderedPdf, render_pdf
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure


def report_data(review) -> dict:
    """Everything the report shows, read once: the project, its parties, the scenarios delivered, each expert's
    item scores, the result and the audit."""
    application = review.application
    sections = sheet_structure(review.template)
    sheets = list(
        review.sheets.filter(status=SheetStatus.SUBMITTED).select_related("expert").prefetch_related("scores")
    )
    by_sheet = {sheet.pk: {score.item_id: score.points for score in sheet.scores.all()} for sheet in sheets}
    rows = [
        {
            "section": section,
            "item": item,
            "points": [by_sheet[sheet.pk].get(item.pk) for sheet in sheets],
        }
        for section in sections
        for item in section.items.all()
    ]
    audit = getattr(review, "audit", None) if hasattr(review, "audit") else None
    return {
        "review": review,
        "application": application,
        "program": application.program,
        "enterprise": application.enterprise,
        "provider": application.provider,
        "lines": list(application.lines.filter(is_active=True).select_related("module")),
        "track_name": PolicyTrack.objects.filter(
            version__program=application.program, version__status=VersionStatus.ACTIVE, code=application.track
        )
        .values_list("name", flat=True)
        .first(),
        "sheets": sheets,
        "rows": rows,
        "result": review_result(review) if sheets else None,
        "audit": audit,
        "declared": {name: getattr(review, f"declared_{name}") for name in AMOUNT_FIELDS},
        "audited": {name: getattr(audit, name) for name in AMOUNT_FIELDS} if audit else None,
        "transitions": list(review.transitions.select_related("actor")),
    }


def report_fingerprint(data: dict) -> str:
    """A digest of what the report shows: the same review data gives the same fingerprint, so one report."""
    review = data["review"]
    facts = {
        "status": review.status,
        "score": str(review.score),
        "updated": review.updated_at.isoformat(),
        "sheets": [[s.pk, str(s.total), s.updated_at.isoformat()] for s in data["sheets"]],
        "audit": data["audit"].updated_at.isoformat() if data["audit"] else None,
        "steps": len(data["transitions"]),
        "lines": [[line.pk, str(line.amount)] for line in data["lines"]],
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def report_pdf(data: dict) -> RenderedPdf:
    """Render the report in Chinese, whatever language the requester used."""
    return render_pdf("acceptance/pdf/report.html", data)
