"""Enterprise registration in the API: a person registers (or claims) its enterprise for a published program, and
a bureau reviewer lists the requests and approves or rejects each. The same services as the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from accounts.api import (
    SIGNUP_PROGRAM_PATH,
    AccountInput,
    SignUpApiBase,
    SignupDecisionApiBase,
    SignupDecisionInput,
    SignupKind,
    SignupListApiBase,
    account_of,
)
from enterprises.models import OutputBand, SignupRequest
from enterprises.selectors import signup_request_list
from enterprises.signup import enterprise_sign_up, signup_decide
from policies.models import Scale
from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH
from programs.selectors import public_industry_list, signup_townships

SIGNUP_PATH = OpenApiParameter("signup", OpenApiTypes.INT, OpenApiParameter.PATH, description="Sign-up request id")


class EnterpriseSignUpInput(AccountInput):
    uscc = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=120, help_text="Ignored when the credit code is already registered")
    township = serializers.CharField(max_length=40, help_text="Region code of a township of the program's region")
    industry = serializers.SlugField(max_length=40, help_text="Industry code")
    scale = serializers.ChoiceField(choices=Scale.choices)
    output_band = serializers.ChoiceField(choices=OutputBand.choices)
    is_specialised = serializers.BooleanField(required=False, default=False)
    is_little_giant = serializers.BooleanField(required=False, default=False)
    digital_level_before = serializers.IntegerField(min_value=0, max_value=4, required=False, allow_null=True)


class SignupOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    enterprise = serializers.CharField(source="profile.organisation.name")
    uscc = serializers.CharField(source="profile.organisation.uscc")
    industry = serializers.CharField(source="profile.industry.code")
    township = serializers.CharField(source="profile.township.code", allow_null=True, default=None)
    claimed_existing = serializers.BooleanField()
    status = serializers.CharField(help_text="pending, approved or rejected")
    decided_by = serializers.StringRelatedField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


def _rows(program):
    return signup_request_list(program=program).order_by("-created_at", "-id")


def _reference(program, values) -> dict:
    """The township and industry the codes name, within the program as the sign-up page offers them."""
    township = signup_townships(program=program).filter(code=values["township"]).first()
    if township is None:
        raise PortalError(_("The township is outside the program's region."), fields={"township": [_("Invalid.")]})
    industry = public_industry_list(program=program).filter(code=values["industry"]).first()
    if industry is None:
        raise PortalError(_("The industry is not one of this program's."), fields={"industry": [_("Invalid.")]})
    return {"township": township, "industry": industry}


class EnterpriseSignups(SignupKind):
    """Enterprise sign-up requests, decided by bureau reviewers."""

    output_class = SignupOutput
    capability = Capability.REVIEW
    signup_rows = staticmethod(_rows)


@extend_schema_view(
    post=extend_schema(parameters=[SIGNUP_PROGRAM_PATH], request=EnterpriseSignUpInput, responses={201: SignupOutput})
)
class EnterpriseSignUpApi(EnterpriseSignups, SignUpApiBase):
    """Public: register an enterprise for a published program. The login gets no role until a bureau reviewer
    approves the request."""

    input_class = EnterpriseSignUpInput

    def sign_up(self, target, values):
        enterprise = {
            "uscc": values["uscc"],
            "name": values["name"],
            **_reference(target, values),
            **{
                key: values.get(key)
                for key in ("scale", "output_band", "is_specialised", "is_little_giant", "digital_level_before")
            },
        }
        return enterprise_sign_up(program=target, account=account_of(values), enterprise=enterprise)


@extend_schema(parameters=[PROGRAM_PATH])
class SignupListApi(EnterpriseSignups, SignupListApiBase):
    """The program's enterprise sign-up requests, newest first, for bureau reviewers."""

    queryset = SignupRequest.objects.none()  # for the schema only; requests use get_queryset


@extend_schema_view(
    post=extend_schema(parameters=[PROGRAM_PATH, SIGNUP_PATH], request=SignupDecisionInput, responses=SignupOutput)
)
class SignupDecisionApi(EnterpriseSignups, SignupDecisionApiBase):
    """Approve the request (the profile is verified, the person gets the enterprise role) or reject it with the
    reason."""

    signup_kwarg = "signup"

    def decide(self, *, access, item, approve, reason):
        signup_decide(access=access, request=item, approve=approve, reason=reason)
