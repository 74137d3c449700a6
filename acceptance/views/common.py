"""What the acceptance pages share: the review's statuses that open a form, the redirect to the review's page, a
service's refusal shown on a form, and the rubric's points."""

from decimal import Decimal

from django.shortcuts import redirect

from acceptance.models import ReviewStatus
from portal.core.errors import PortalError
from portal.core.forms import show_portal_error

SCORING_OPEN = (ReviewStatus.PANEL, ReviewStatus.SCORING)
IN_ANNOUNCEMENT = (ReviewStatus.ANNOUNCING, ReviewStatus.ON_HOLD)
ZERO = Decimal("0")


def review_redirect(access, review):
    return redirect("acceptance:review", program=access.program.slug, review=review.pk)


def show_renamed(form, error: PortalError, **renamed):
    """A service's refusal on `form`, with the service's field names mapped onto the form's (`file` → `report`)."""
    fields = {renamed.get(name, name): errors for name, errors in (error.fields or {}).items()}
    show_portal_error(form, PortalError(error.message, fields=fields))


def rubric_points(structure) -> dict:
    items = [item for section in structure for item in section.items.all()]
    return {
        "base": sum((item.max_points for item in items if not item.is_bonus), ZERO),
        "bonus": sum((item.max_points for item in items if item.is_bonus), ZERO),
    }
