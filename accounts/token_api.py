"""API tokens and login locks in the API: a token login (each one issues a new token with an expiry), a user's own
tokens and their revocation, and for a program's bureau admin its members' tokens and login locks."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import ApiToken
from accounts.throttles import LoginThrottle
from portal.core.errors import PortalError
from portal.core.queries import get_or_404
from programs.api import PROGRAM_PATH, ProgramScopedMixin


class TokenLoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class TokenIssuedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField(help_text="The key: shown this once, send it as `Authorization: Token <key>`")
    expires_at = serializers.DateTimeField()


class TokenOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    status = serializers.CharField()
    revoked_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "username",
            "name",
            "prefix",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]


class TokenRevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class LockOutput(serializers.Serializer):
    username = serializers.CharField()
    ip_address = serializers.IPAddressField(allow_null=True)
    failures = serializers.IntegerField()
    last_failure = serializers.DateTimeField()


class LockLiftInput(serializers.Serializer):
    username = serializers.CharField(max_length=255)
    ip_address = serializers.IPAddressField(allow_null=True)
    reason = serializers.CharField(max_length=200)


class TokenLoginApi(APIView):
    """Log in with username and password for a new API token. Failed logins count towards the lock-out of the
    username at the caller's address, as on the login page; the address is also rate-limited."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]

    @extend_schema(request=TokenLoginInput, responses={200: TokenIssuedOutput})
    def post(self, request):
        data = TokenLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        # The Django request, so that django-axes counts the failure and marks the lock-out where its middleware
        # looks for it.
        http_request = request._request
        user = authenticate(
            http_request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                raise Throttled(detail=_("Too many failed logins: this login is locked for a while."))
            raise PortalError(_("The username or password is wrong."))
        token, key = services.api_token_issue(user=user, name=data.validated_data["name"])
        return Response(TokenIssuedOutput({"id": token.pk, "token": key, "expires_at": token.expires_at}).data)


class OwnTokenListApi(generics.ListAPIView):
    """The caller's API tokens, revoked and expired ones included (never their keys)."""

    serializer_class = TokenOutput
    filter_backends = []

    def get_queryset(self):
        return selectors.api_token_list_own(user=self.request.user)


class OwnTokenRevokeApi(APIView):
    """Revoke one of the caller's own tokens."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Resolved before the method: someone else's token is the same 404 whatever the method.
        self.token = get_or_404(selectors.api_token_list_own(user=request.user), kwargs["token"])

    @extend_schema(request=TokenRevokeInput, responses=TokenOutput)
    def post(self, request, token):
        data = TokenRevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        revoked = services.api_token_revoke(token=self.token, acting_user=request.user, **data.validated_data)
        return Response(TokenOutput(revoked).data)


@extend_schema(parameters=[PROGRAM_PATH])
class ProgramTokenListApi(ProgramScopedMixin, generics.ListAPIView):
    """The usable API tokens of the program's members (bureau admin)."""

    serializer_class = TokenOutput
    queryset = ApiToken.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        return selectors.api_token_list_for_program(access=self.access).order_by("user__username", "-created_at")


class ProgramTokenRevokeApi(ProgramScopedMixin, APIView):
    """Revoke a token of one of the program's members (bureau admin)."""

    @extend_schema(parameters=[PROGRAM_PATH], request=TokenRevokeInput, responses=TokenOutput)
    def post(self, request, program, token):
        instance = get_or_404(selectors.api_token_list_for_program(access=self.access), token)
        data = TokenRevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        revoked = services.api_token_revoke(token=instance, acting_user=request.user, **data.validated_data)
        return Response(TokenOutput(revoked).data)


class ProgramLockListApi(ProgramScopedMixin, APIView):
    """The program's members locked out of logging in, per username and address (bureau admin); POST lifts one."""

    @extend_schema(parameters=[PROGRAM_PATH], responses=LockOutput(many=True))
    def get(self, request, program):
        return Response(LockOutput(selectors.login_lock_list(access=self.access), many=True).data)

    @extend_schema(parameters=[PROGRAM_PATH], request=LockLiftInput, responses={204: None})
    def post(self, request, program):
        data = LockLiftInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.login_lock_lift(access=self.access, **data.validated_data)
        return Response(status=204)
