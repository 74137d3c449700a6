"""Acceptance of the demo's Wuyi project through the services: the request and co-signature, the panel, the
experts' sheets, the audit and the close."""

from decimal import Decimal

from acceptance import services
from scoring.models import SheetItem
from tests.support.people import WUYI, access_in

SLUG = WUYI
D = Decimal
AMOUNTS = {
    "n_software": D("150000"),
    "n_hardware": D("50000"),
    "x_software": D("20000"),
    "x_hardware": D("40000"),
    "automation": D("0"),
}
access_of = access_in(SLUG)


def requested(project):
    review = services.acceptance_request(
        access=access_of("wuyi-enterprise2"), application=project, deliverables="MES、看板、采集终端", amounts=AMOUNTS
    )
    return services.acceptance_cosign(access=access_of("wuyi-provider"), review=review)


def assigned(project, people, experts=3):
    review = requested(project)
    return services.panel_assign(
        access=access_of("wuyi-reviewer"),
        review=review,
        experts=people["experts"][:experts],
        financial_auditor=people["auditor"],
    )


def fill(review, expert, value, *, submit=True):
    items = SheetItem.objects.filter(section__template=review.template)
    scores = {str(i.pk): str(D(value(i)).quantize(D("0.01"))) for i in items}
    return services.expert_sheet_save(access=access_of(expert), review=review, scores=scores, submit=submit)


def passed_review(project, people):
    """`project` accepted: a panel of three scores 80 %, the audit confirms the amounts, the reviewer closes."""
    review = assigned(project, people)
    for expert in people["experts"][:3]:
        fill(review, expert, lambda item: item.max_points * Decimal("0.8"))
    services.audit_record(access=access_of(people["auditor"]), review=review, amounts=AMOUNTS, conclusion="账实相符")
    services.review_close(access=access_of("wuyi-reviewer"), review=review)
    review.refresh_from_db()
    return review
