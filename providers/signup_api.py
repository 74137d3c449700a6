"""Provider registration in the API: a person registers (or claims) its service provider for a published program,
and the bureau lists the registrations and admits or refuses each. The same services as the pages."""

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
from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH
from providers import selectors
from providers.models import ProviderSignup
from providers.signup import provider_sign_up, provider_signup_decide

PROVIDER_SIGNUP_PATH = OpenApiParameter(
    "provider_signup", OpenApiTypes.INT, OpenApiParameter.PATH, description="Provider registration id"
)
MAX_TEXT = 10_000


class ProviderSignUpInput(AccountInput):
    uscc = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=120, help_text="Ignored when the credit code is already registered")
    industries = serializers.ListField(child=serializers.SlugField(max_length=40), min_length=1, max_length=100)
    local_support_staff = serializers.IntegerField(min_value=0, max_value=10_000)
    qualifications = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ProviderSignupOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    organisation = serializers.CharField(source="organisation.name")
    uscc = serializers.CharField(source="organisation.uscc")
    industries = serializers.SerializerMethodField()
    local_support_staff = serializers.IntegerField()
    qualifications = serializers.CharField()
    claimed_existing = serializers.BooleanField()
    status = serializers.CharField(help_text="pending, approved or rejected")
    decided_by = serializers.StringRelatedField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_industries(self, obj) -> list[str]:
        return [industry.code for industry in obj.industries.all()]


class ProviderSignups(SignupKind):
    """Provider registrations, decided by those who keep the resource pool."""

    output_class = ProviderSignupOutput
    capability = Capability.MANAGE_POOL
    signup_rows = staticmethod(selectors.provider_signups)


@extend_schema_view(
    post=extend_schema(
        parameters=[SIGNUP_PROGRAM_PATH], request=ProviderSignUpInput, responses={201: ProviderSignupOutput}
    )
)
class ProviderSignUpApi(ProviderSignups, SignUpApiBase):
    """Public: register a service provider for a published program. The login gets no role until the bureau
    admits the provider to the resource pool."""

    input_class = ProviderSignUpInput

    def sign_up(self, target, values):
        codes = list(dict.fromkeys(values["industries"]))
        industries = selectors.signup_industries(target, codes)
        if len(industries) != len(codes):
            raise PortalError(_("Choose the program's industries you serve."), fields={"industries": [_("Invalid.")]})
        return provider_sign_up(
            program=target,
            account=account_of(values),
            provider={
                "uscc": values["uscc"],
                "name": values["name"],
                "industries": industries,
                "local_support_staff": values["local_support_staff"],
                "qualifications": values["qualifications"],
            },
        )


@extend_schema(parameters=[PROGRAM_PATH])
class ProviderSignupListApi(ProviderSignups, SignupListApiBase):
    """The program's provider registrations, newest first, for those who keep the resource pool."""

    queryset = ProviderSignup.objects.none()  # for the schema only; requests use get_queryset


@extend_schema_view(
    post=extend_schema(
        parameters=[PROGRAM_PATH, PROVIDER_SIGNUP_PATH],
        request=SignupDecisionInput,
        responses=ProviderSignupOutput,
    )
)
class ProviderSignupDecisionApi(ProviderSignups, SignupDecisionApiBase):
    """Admit the provider to the resource pool for its industries (its person gets the provider role), or refuse
    it with the reason."""

    signup_kwarg = "provider_signup"

    def decide(self, *, access, item, approve, reason):
        provider_signup_decide(access=access, signup=item, approve=approve, reason=reason)
