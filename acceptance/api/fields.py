"""What the acceptance API shares: path parameters, bounds, the money field, and the services' field names
mapped onto the API's."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from portal.core.errors import PortalError

REVIEW_PATH = OpenApiParameter("review", OpenApiTypes.INT, OpenApiParameter.PATH, description="Acceptance review id")
OBJECTION_PATH = OpenApiParameter("objection", OpenApiTypes.INT, OpenApiParameter.PATH, description="Objection id")
MAX_ID = 2**63 - 1
MAX_TEXT = 10_000


def upload_errors_as_report(error: PortalError) -> PortalError:
    """The upload check names its field `file`; the API's input names it `report`."""
    if "file" in error.fields:
        error.fields = {("report" if key == "file" else key): value for key, value in error.fields.items()}
    return error
