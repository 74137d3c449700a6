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


class HardDeleteRefused(PortalError):
    code = "no_delete"
    status = 400

    def __init__(self, model):
        super().__init__(
            _("Records of “%(model)s” are never deleted; close or deactivate them instead.")
            % {"model": model._meta.verbose_name}
        )
