"""A program's settings in the API: the bureau admin reads them and changes some (the settings page's fields,
for instance opening public registration with `is_public`), through the same service as the page, with the
reason recorded in the history."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.errors import PortalError
from portal.core.roles import Capability
from programs import services
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from programs.forms import ProgramSettingsForm
from programs.models import Program
from programs.selectors import program_fresh


class ProgramSettingsOutput(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["slug", *ProgramSettingsForm.Meta.fields]


class ProgramSettingsInput(serializers.ModelSerializer):
    reason = serializers.CharField(max_length=200, help_text="Why the settings change (kept in the history)")

    class Meta:
        model = Program
        fields = [*ProgramSettingsForm.Meta.fields, "reason"]


class ProgramSettingsApi(ProgramScopedMixin, APIView):
    """The program's settings (bureau admin); PATCH changes the fields sent."""

    @extend_schema(parameters=[PROGRAM_PATH], responses=ProgramSettingsOutput)
    def get(self, request, program):
        self.access.require(Capability.CONFIGURE)
        return Response(ProgramSettingsOutput(program_fresh(access=self.access)).data)

    @extend_schema(parameters=[PROGRAM_PATH], request=ProgramSettingsInput, responses=ProgramSettingsOutput)
    def patch(self, request, program):
        access = self.access
        access.require(Capability.CONFIGURE)
        target = program_fresh(access=access)
        data = ProgramSettingsInput(target, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason", "").strip()
        if not reason:
            message = _("Give the reason for the change.")
            raise PortalError(message, fields={"reason": [message]})
        for name, value in values.items():
            setattr(target, name, value)
        services.program_update(access=access, program=target, reason=reason)
        return Response(ProgramSettingsOutput(program_fresh(access=access)).data)
