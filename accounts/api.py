"""The API's public sign-up pieces shared by enterprises and providers: the person's login fields, the program
one may register for (published programs only, as on the sign-up pages), and the views that register, list and
decide a sign-up, each kind naming its input, output, rows, capability and services."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.throttles import AnonThrottle, SignupThrottle
from portal.core.queries import get_or_404
from programs.api import ProgramScopedMixin
from programs.models import Program
from programs.selectors import published_program

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
    target = published_program(slug=slug)
    if target is None:
        raise Http404(_("No such program."))
    return target


class SignupProgramMixin:
    """Resolves `self.target`, the published program of the URL, before the method is dispatched: any method on an
    unpublished or unknown program is the same 404."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.target = signup_program(self.kwargs["program"])


class SignupKind:
    """One kind of sign-up (an enterprise's, a provider's): its rows in a program (`signup_rows`), how the API
    shows one (`output_class`) and the capability that lists and decides them."""

    output_class: type[serializers.Serializer]
    capability: str

    @staticmethod
    def signup_rows(program):
        raise NotImplementedError


class SignUpApiBase(SignupKind, SignupProgramMixin, APIView):
    """Public: register for a published program with `input_class`; the registration is made by `sign_up` and
    answered as `output_class` shows it among `signup_rows`. Limited per address ("signup" rate)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, SignupThrottle]
    input_class: type[serializers.Serializer]

    def sign_up(self, target: Program, values: dict):
        raise NotImplementedError

    def post(self, request, program):
        target = self.target
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        signup = self.sign_up(target, data.validated_data)
        return Response(self.output_class(self.signup_rows(target).get(pk=signup.pk)).data, status=201)


class SignupListApiBase(SignupKind, ProgramScopedMixin, generics.ListAPIView):
    """The program's sign-ups of one kind (`signup_rows`), for those holding `capability`."""

    filter_backends = []

    def get_serializer_class(self):
        return self.output_class

    def get_queryset(self):
        self.access.require(self.capability)
        return self.signup_rows(self.access.program)


class SignupDecisionApiBase(SignupKind, ProgramScopedMixin, APIView):
    """The answer of one holding `capability` to the sign-up the path's `signup_kwarg` names: `decide` approves or
    rejects it, and the sign-up is answered as `output_class` shows it."""

    signup_kwarg: str

    def decide(self, *, access, item, approve: bool, reason: str) -> None:
        raise NotImplementedError

    def post(self, request, program, **kwargs):
        access = self.access
        access.require(self.capability)
        item = get_or_404(self.signup_rows(access.program), kwargs[self.signup_kwarg])
        data = SignupDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        self.decide(
            access=access,
            item=item,
            approve=data.validated_data["decision"] == "approve",
            reason=data.validated_data["reason"],
        )
        return Response(self.output_class(self.signup_rows(access.program).get(pk=item.pk)).data)
