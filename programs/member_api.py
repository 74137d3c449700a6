"""The program's members in the API: the role assignments in force, and a bureau admin's grant of a role to an
existing login (the members page's grant form, through the same service)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from portal.core.errors import PortalError
from portal.core.roles import Capability, Role
from programs import selectors, services
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from programs.models import RoleAssignment


class MemberGrantInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    name = serializers.StringRelatedField(source="user")
    organisation = serializers.CharField(source="user.organisation.name", allow_null=True, default=None)
    role = serializers.CharField()
    granted_by = serializers.StringRelatedField(allow_null=True)
    granted_at = serializers.DateTimeField(source="created_at")


@extend_schema(parameters=[PROGRAM_PATH])
class MemberListApi(ProgramScopedMixin, generics.ListAPIView):
    """The program's role assignments in force; a bureau admin grants a role to an existing login."""

    serializer_class = MemberOutput
    queryset = RoleAssignment.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        return selectors.role_assignment_list(access=self.access).order_by("user__username", "role", "id")

    @extend_schema(request=MemberGrantInput, responses={201: MemberOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.MANAGE_ROLES)
        data = MemberGrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            message = _("No active user with this username.")
            raise PortalError(message, fields={"username": [message]})
        assignment = services.role_grant(
            access=access, program=access.program, user=user, role=data.validated_data["role"]
        )
        row = selectors.role_assignment_list(access=access).get(pk=assignment.pk)
        return Response(MemberOutput(row).data, status=201)
