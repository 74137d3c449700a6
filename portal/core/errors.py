"""Domain errors. Views, the API exception handler and admin map them to messages; none is a 500."""

from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    """A business rule refused the request. `message` is shown to the user as is."""

    code = "refused"
    status = 400

    def __init__(self, message, *, fields=None):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}


class NotAllowed(PortalError):
    code = "not_allowed"
    status = 403


class Conflict(PortalError):
    """The object changed under the caller (another reviewer acted first)."""

    code = "conflict"
    status = 409


class Busy(Conflict):
    """The database made this request give way to another one (a deadlock or a serialization failure) more times
    than the service retries it: nothing was written, and the same request may simply be sent again."""

    code = "busy"
    retry_after = 2  # seconds, sent as the API's Retry-After header

    def __init__(self, message=None):
        super().__init__(message or _("Others are changing the same records right now; nothing was saved. Try again."))


class HardDeleteRefused(PortalError):
    code = "no_delete"
    status = 400

    def __init__(self, model):
        super().__init__(
            _("Records of “%(model)s” are never deleted; close or deactivate them instead.")
            % {"model": model._meta.verbose_name}
        )
