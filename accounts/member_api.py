"""The program's members in the API: the role assignments in force, a bureau admin's grant of a role to a
person of the program's organisations, and the login it creates for a new person of one of them (the members
page's forms, through the same services)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from accounts.onboarding import password_set_path
from organisations.models import Organisation
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
        # An unknown username and a person outside the program's organisations get the same 400.
        user = selectors.grantee_get(access=access, username=data.validated_data["username"])
        assignment = services.role_grant(
            access=access, program=access.program, user=user, role=data.validated_data["role"]
        )
        row = selectors.role_assignment_list(access=access).get(pk=assignment.pk)
        return Response(MemberOutput(row).data, status=201)


class ParticipantOrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


@extend_schema(parameters=[PROGRAM_PATH])
class MemberOrganisationListApi(ProgramScopedMixin, generics.ListAPIView):
    """The organisations taking part in the program: the ones whose people a bureau admin may give roles."""

    serializer_class = ParticipantOrganisationOutput
    queryset = Organisation.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        self.access.require(Capability.MANAGE_ROLES)
        return selectors.participating_organisations(program=self.access.program)


class MemberOnboardInput(serializers.Serializer):
    organisation = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Role.choices)
    username = serializers.CharField(max_length=150)
    display_name = serializers.CharField(max_length=60)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class MemberOnboardOutput(MemberOutput):
    set_password_url = serializers.CharField(help_text="Shown once: the new person chooses a password there.")


@extend_schema(parameters=[PROGRAM_PATH])
class MemberOnboardApi(ProgramScopedMixin, generics.GenericAPIView):
    """A bureau admin creates the login of a person of an organisation taking part in the program, with its first
    role; the answer carries the set-password link, which is not stored and cannot be shown again."""

    serializer_class = MemberOnboardInput

    @extend_schema(request=MemberOnboardInput, responses={201: MemberOnboardOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.MANAGE_ROLES)
        data = MemberOnboardInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organisation = (
            selectors.participating_organisations(program=access.program).filter(pk=values["organisation"]).first()
        )
        if organisation is None:
            raise selectors.organisation_refusal()
        assignment = services.member_onboard(
            access=access,
            organisation=organisation,
            role=values["role"],
            username=values["username"],
            display_name=values["display_name"],
            email=values["email"],
            phone=values["phone"],
        )
        row = selectors.role_assignment_list(access=access).get(pk=assignment.pk)
        output = {
            **MemberOutput(row).data,
            "set_password_url": request.build_absolute_uri(password_set_path(assignment.user)),
        }
        return Response(output, status=201, headers={"Cache-Control": "no-store"})
