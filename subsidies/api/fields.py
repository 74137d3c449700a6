"""What the money API shares: path parameters, bounds, money and day fields, the run of a URL."""

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation

from portal.core.errors import PortalError
from portal.core.fields import amount_field
from subsidies import selectors
from subsidies.models import CalculationRun, RunLine, RunStatus

RUN_PATH = OpenApiParameter("run", OpenApiTypes.INT, OpenApiParameter.PATH, description="Calculation run id")
LINE_PATH = OpenApiParameter("line", OpenApiTypes.INT, OpenApiParameter.PATH, description="Run line id")
CORRECTION_PATH = OpenApiParameter("correction", OpenApiTypes.INT, OpenApiParameter.PATH, description="Correction id")
AWARD_PATH = OpenApiParameter("award", OpenApiTypes.INT, OpenApiParameter.PATH, description="Award decision id")
POOL_PATH = OpenApiParameter("pool", OpenApiTypes.INT, OpenApiParameter.PATH, description="Funding pool id")
LEDGER_JOB_PATH = OpenApiParameter("ledger_job", OpenApiTypes.INT, OpenApiParameter.PATH, description="Ledger job id")
STATUS_QUERY = OpenApiParameter(
    "status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=RunStatus.values, description="Only runs in this state"
)
MAX_ID = 2**63 - 1
MAX_TEXT = 10_000
MAX_REASON = 2000
MAX_OVERRIDES = 50
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def money_field(**kwargs):
    """A sum a run reports (its totals may pass what one person sends)."""
    return amount_field(max_digits=16, **kwargs)


class DayField(serializers.DateField):
    """A day of the programs' calendar: a date far outside it is a typing error, not a record."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise serializers.ValidationError(
                _("Give a date between %(first)s and %(last)s.") % {"first": EARLIEST_DAY, "last": LATEST_DAY}
            )
        return day


def run_of(access, pk) -> CalculationRun:
    return selectors.run_get(access=access, pk=pk)


def program_line(access, pk) -> RunLine:
    """A line of any run of the program, named in a request body: unknown or foreign ids are a field error."""
    line = selectors.program_line_find(access=access, pk=pk)
    if line is None:
        raise PortalError(_("No such line in this program."), fields={"line": [_("No such line in this program.")]})
    return line


def overrides_named(error: PortalError) -> PortalError:
    """The policy's parser names its field `set` (the calculator's); the API's input names it `overrides`."""
    if "set" in error.fields:
        error.fields = {("overrides" if key == "set" else key): value for key, value in error.fields.items()}
    return error


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """A file endpoint answers with the file whatever the client says it accepts; its JSON answers (a queued job,
    an error) fall back to the first renderer instead of a 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


JOB_QUEUED_HELP = (
    '"waiting_for_broker" while the job is registered and waits for the background service (it starts by itself '
    "once the service is back; message says so); otherwise empty"
)
