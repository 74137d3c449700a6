"""The API's public sign-up pieces shared by enterprises and providers: the person's login fields and the program
one may register for (published programs only, as on the sign-up pages)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from programs.models import Program, ProgramStatus

SIGNUP_PROGRAM_PATH = OpenApiParameter(
    "program", OpenApiTypes.STR, OpenApiParameter.PATH, description="Code of a published program"
)


class AccountInput(serializers.Serializer):
    """The person's login, as on the sign-up pages; it holds no role until the bureau approves."""

    username = serializers.RegexField(r"^[A-Za-z0-9_.@+-]+$", max_length=40)
    display_name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=30)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class SignupDecisionInput(serializers.Serializer):
    """The bureau's answer to a registration (an enterprise's or a provider's)."""

    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Required to reject"
    )


def account_of(data: dict) -> dict:
    """The login fields of a validated sign-up, as `accounts.services.account_check` takes them."""
    return {key: data[key] for key in ("username", "display_name", "phone", "email", "password")}


def signup_program(slug: str) -> Program:
    """The program `slug` when it takes public registrations (published and running); 404 otherwise, as the
    sign-up pages answer."""
    target = (
        Program.objects.select_related("region").filter(slug=slug, is_public=True, status=ProgramStatus.ACTIVE).first()
    )
    if target is None:
        raise Http404(_("No such program."))
    return target


class SignupProgramMixin:
    """Resolves `self.target`, the published program of the URL, before the method is dispatched: any method on an
    unpublished or unknown program is the same 404."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.target = signup_program(self.kwargs["program"])
