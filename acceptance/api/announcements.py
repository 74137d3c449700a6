"""The public announcement in the API: open it for a passed project, record and resolve objections, list the
projects in announcement and conclude the ended ones."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from acceptance import selectors, services
from acceptance.api.fields import MAX_TEXT, OBJECTION_PATH, REVIEW_PATH
from acceptance.api.outputs import AcceptanceReviewDetailOutput, ObjectionOutput, audit_of, detail_data
from acceptance.models import AcceptanceReview
from portal.core.fields import AsciiDecimalSerializerField, amount_field
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin

# An announcement is counted in the program's calendar: a date far outside it is a typing error, not a plan.
EARLIEST_ANNOUNCEMENT, LATEST_ANNOUNCEMENT = date(2000, 1, 1), date(2099, 12, 31)


class AnnouncementOpenInput(serializers.Serializer):
    starts_on = serializers.DateField(help_text="The first day of the announcement")

    def validate_starts_on(self, value):
        if not EARLIEST_ANNOUNCEMENT <= value <= LATEST_ANNOUNCEMENT:
            raise serializers.ValidationError(
                _("Give a date between %(first)s and %(last)s.")
                % {
                    "first": EARLIEST_ANNOUNCEMENT,
                    "last": LATEST_ANNOUNCEMENT,
                }
            )
        return value


class AnnounceApi(ProgramScopedMixin, APIView):
    """Announce a passed project for the program's number of working days."""

    @extend_schema(
        parameters=[PROGRAM_PATH, REVIEW_PATH], request=AnnouncementOpenInput, responses=AcceptanceReviewDetailOutput
    )
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = AnnouncementOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.announcement_open(access=access, review=target, starts_on=data.validated_data["starts_on"])
        return Response(detail_data(access, selectors.review_get(access=access, pk=target.pk)))


class ObjectionInput(serializers.Serializer):
    raised_by = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=MAX_TEXT)


class ObjectionApi(ProgramScopedMixin, APIView):
    """Record an objection received during the announcement: the project goes on hold."""

    @extend_schema(parameters=[PROGRAM_PATH, REVIEW_PATH], request=ObjectionInput, responses={201: ObjectionOutput})
    def post(self, request, program, review):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        data = ObjectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_record(access=access, review=target, **data.validated_data)
        return Response(ObjectionOutput(objection).data, status=201)


class ObjectionResolutionInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=["uphold", "dismiss"], help_text="uphold: the project fails; dismiss: the announcement resumes"
    )
    resolution = serializers.CharField(max_length=MAX_TEXT)


class ObjectionResolveApi(ProgramScopedMixin, APIView):
    """Resolve an objection: upheld, the project fails acceptance; dismissed, the announcement goes on."""

    @extend_schema(
        parameters=[PROGRAM_PATH, REVIEW_PATH, OBJECTION_PATH],
        request=ObjectionResolutionInput,
        responses=ObjectionOutput,
    )
    def post(self, request, program, review, objection):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        target = selectors.review_get(access=access, pk=review)
        item = selectors.objection_get(review=target, pk=objection)
        data = ObjectionResolutionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.objection_resolve(
            access=access,
            objection=item,
            upheld=data.validated_data["decision"] == "uphold",
            resolution=data.validated_data["resolution"],
        )
        resolved = selectors.objection_get(review=target, pk=item.pk)
        return Response(ObjectionOutput(resolved).data)


# The public announcement ---------------------------------------------------------------------------------


class AnnouncementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="announcing, or on_hold while an objection is open")
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    project = serializers.CharField(source="application.title")
    filing_number = serializers.CharField(source="application.filing_number")
    provider = serializers.CharField(source="application.provider.organisation.name", allow_null=True, default=None)
    score = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, allow_null=True)
    audited_total = serializers.SerializerMethodField()
    proposed_subsidy = serializers.SerializerMethodField()
    announcement_starts_on = serializers.DateField(allow_null=True)
    announcement_ends_on = serializers.DateField(allow_null=True)

    @extend_schema_field(amount_field(allow_null=True))
    def get_audited_total(self, obj):
        audit = audit_of(obj)
        return None if audit is None else amount_field().to_representation(audit.total)

    @extend_schema_field(amount_field(allow_null=True, help_text="The proposed subsidy total on the audited amounts"))
    def get_proposed_subsidy(self, obj):
        result, _why = self.context.get("estimates", {}).get(obj.pk, (None, ""))
        return None if result is None else amount_field().to_representation(result.total)


@extend_schema(parameters=[PROGRAM_PATH])
class AnnouncementListApi(ProgramScopedMixin, generics.ListAPIView):
    """The projects in public announcement (or on hold by an objection), for anyone with a role in the program."""

    serializer_class = AnnouncementOutput
    queryset = AcceptanceReview.objects.none()
    filter_backends = []

    def get_queryset(self):
        self.access.require(Capability.VIEW_PROGRAM)
        return selectors.announcement_list(program=self.access.program)

    def get_serializer(self, *args, **kwargs):
        if args and not isinstance(args[0], AcceptanceReview):
            # One page of rows: their proposed subsidies come from one reading of the policy.
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["estimates"] = selectors.announcement_estimates(
                list(args[0]), program=self.access.program
            )
        return super().get_serializer(*args, **kwargs)


class ConcludeOutput(serializers.Serializer):
    concluded = serializers.IntegerField(help_text="Announcements ended without an open objection: ready for subsidy")


class AnnouncementConcludeApi(ProgramScopedMixin, APIView):
    """Conclude every announcement of the program that ended without an open objection: the projects become
    ready for subsidy (the next calculation run picks them)."""

    @extend_schema(parameters=[PROGRAM_PATH], request=None, responses=ConcludeOutput)
    def post(self, request, program):
        access = self.access
        access.require(Capability.RUN_ACCEPTANCE)
        with transaction.atomic():  # the service locks the rows it concludes
            done = services.announcements_conclude(access=access)
        return Response(ConcludeOutput({"concluded": done}).data)
