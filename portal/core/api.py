"""The API's shared pieces: pagination, the one exception handler that maps every error to one shape, and the
`actions` an object's output lists from its workflow.

Error body: {"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.core.errors import PortalError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class WorkflowActionsField(serializers.ListField):
    """The names of the steps of `workflow` the caller may take now on the object, by its `status` and the roles
    the caller holds in the program: the serializer's context carries `access` (or its view does, as
    `ProgramScopedMixin` views do). What is the caller's own (a seat, a project, a run it created) the services
    check when the step is taken."""

    def __init__(self, workflow, **kwargs):
        self.workflow = workflow
        kwargs.setdefault(
            "help_text",
            "What the caller may do now, by its roles and the state: any of " + ", ".join(workflow.steps),
        )
        super().__init__(child=serializers.CharField(), source="status", read_only=True, **kwargs)

    def to_representation(self, state):
        access = self.context.get("access") or getattr(self.context.get("view"), "access", None)
        if access is None:
            raise ImproperlyConfigured("WorkflowActionsField needs `access` in the serializer's context")
        return [step.name for step in self.workflow.available(state, access.roles)]


def exception_handler(exc, context):
    if isinstance(exc, PortalError):
        response = _response(exc.status, exc.code, exc.message, exc.fields)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return _response(400, "invalid", "; ".join(exc.messages), fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _response(response.status_code, "invalid", _("The input is not valid."), detail, response)
    code = getattr(exc, "default_code", "error")
    return _response(response.status_code, code, str(getattr(exc, "detail", exc)), {}, response)


def _response(status_code, code, message, fields, original=None):
    body = {"error": {"code": code, "message": str(message), "fields": _plain(fields)}}
    response = Response(body, status=status_code or status.HTTP_400_BAD_REQUEST)
    if original is not None:
        for header in ("WWW-Authenticate", "Retry-After", "Allow"):
            if header in original:
                response[header] = original[header]
    return response


def _plain(fields):
    if isinstance(fields, dict):
        return {str(key): _plain(value) for key, value in fields.items()}
    if isinstance(fields, list | tuple):
        return [_plain(value) for value in fields]
    return str(fields)
