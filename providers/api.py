"""Provider selection in the API: rounds as each role may see them, applications, conflicts of interest,
committee sheets, confirmation and publication, and the bureau's decisions on a provider."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.api import WorkflowActionsField
from portal.core.errors import PortalError
from portal.core.fields import AsciiDecimalSerializerField
from portal.core.roles import Capability
from programs.api import PROGRAM_PATH, ProgramScopedMixin
from providers import selectors, services
from providers.models import (
    ConflictKind,
    DecisionKind,
    PoolMembership,
    PoolStatus,
    RoundStatus,
    SelectionRound,
)
from providers.workflow import ROUND
from scoring.api import SheetSectionOutput, item_errors_as_scores
from scoring.models import SheetStatus
from scoring.selectors import sheet_structure

ROUND_PATH = OpenApiParameter("round", OpenApiTypes.INT, OpenApiParameter.PATH, description="Selection round id")
ENTRY_PATH = OpenApiParameter("entry", OpenApiTypes.INT, OpenApiParameter.PATH, description="Round application id")
PROVIDER_PATH = OpenApiParameter("provider", OpenApiTypes.INT, OpenApiParameter.PATH, description="Provider id")
MAX_ID = 2**63 - 1
MAX_TEXT = 10_000


def _industries(access, codes, *, field="industries"):
    """The program's industries named by `codes`; an unknown code is a field error."""
    codes = list(dict.fromkeys(codes))
    found = selectors.industries_by_code(access=access, codes=codes)
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise PortalError(
            _("The industry is not one of this program's."),
            fields={field: [f"{code}: {_('Invalid.')}" for code in unknown]},
        )
    return [found[code] for code in codes]


# Output --------------------------------------------------------------------------------------------------


class TemplateOutput(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


class RoundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="draft, open, scoring, confirmed or published")
    industries = serializers.SerializerMethodField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    places = serializers.IntegerField()
    template = TemplateOutput()
    applicant_count = serializers.IntegerField()
    seat_count = serializers.IntegerField()
    actions = WorkflowActionsField(ROUND)

    def get_industries(self, obj) -> list[str]:
        return [industry.code for industry in obj.industries.all()]


class ApplicantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField(source="membership.organisation.name")
    uscc = serializers.CharField(source="membership.organisation.uscc")
    industries = serializers.SerializerMethodField()
    applied_at = serializers.DateTimeField()
    status = serializers.CharField()

    def get_industries(self, obj) -> list[str]:
        return [industry.code for industry in obj.industries.all()]


class CellOutput(serializers.Serializer):
    member = serializers.CharField()
    applicant = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["conflict", "missing", "draft", "submitted"])


class RankingRowOutput(serializers.Serializer):
    applicant = serializers.IntegerField()
    provider = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    score = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, allow_null=True)
    first_section = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, allow_null=True)
    sheets = serializers.IntegerField(help_text="Submitted sheets the score is the mean of")
    working = serializers.CharField()
    tie_break = serializers.CharField()
    proposed = serializers.BooleanField(help_text="Within the round's places (selected, once confirmed)")


class RankingTableOutput(serializers.Serializer):
    industry = serializers.CharField()
    rows = RankingRowOutput(many=True)


class RoundDetailOutput(RoundOutput):
    sheet = SheetSectionOutput(many=True)
    applicants = ApplicantOutput(many=True)
    completeness = CellOutput(many=True, required=False, help_text="Only for those who run the round")
    missing_sheets = serializers.IntegerField(required=False, help_text="Only for those who run the round")
    ranking = RankingTableOutput(many=True, required=False, help_text="Only for those who may see it")


def _ranking(selection_round) -> list[dict]:
    """The live ranking while scoring; the stored results once the round is confirmed."""
    if selection_round.status in (RoundStatus.CONFIRMED, RoundStatus.PUBLISHED):
        by_industry = {}
        for result in selectors.round_results(selection_round):
            by_industry.setdefault(result.industry_id, []).append(
                {
                    "applicant": result.application_id,
                    "provider": result.application.membership.organisation.name,
                    "rank": result.rank,
                    "score": result.score,
                    "first_section": result.first_section,
                    "sheets": result.sheets_used,
                    "working": result.working,
                    "tie_break": result.tie_break,
                    "proposed": result.selected,
                }
            )
        return [
            {"industry": industry.code, "rows": by_industry.get(industry.pk, [])}
            for industry in selection_round.industries.all()
        ]
    return [
        {
            "industry": table.industry.code,
            "rows": [
                {
                    "applicant": row.entry.pk,
                    "provider": row.entry.membership.organisation.name,
                    "rank": row.rank,
                    "score": row.aggregate.score,
                    "first_section": row.aggregate.first_section,
                    "sheets": len(row.aggregate.used),
                    "working": row.aggregate.working,
                    "tie_break": row.tie_break,
                    "proposed": row.proposed,
                }
                for row in table.rows
            ],
        }
        for table in selectors.round_ranking(selection_round)
    ]


# The resource pool ---------------------------------------------------------------------------------------


class ProviderOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="Pool membership id: the `provider` of a filing")
    organisation = serializers.CharField(source="organisation.name")
    uscc = serializers.CharField(source="organisation.uscc")
    status = serializers.CharField(help_text="pool, selected, warned or removed")
    industries = serializers.SerializerMethodField(help_text="Industries it serves")
    selected_industries = serializers.SerializerMethodField(help_text="Industries it is selected for")
    local_support_staff = serializers.IntegerField()

    def get_industries(self, obj) -> list[str]:
        return [industry.code for industry in obj.industries.all()]

    def get_selected_industries(self, obj) -> list[str]:
        return sorted({selection.industry.code for selection in obj.active_selections})


@extend_schema(
    parameters=[
        PROGRAM_PATH,
        OpenApiParameter("industry", OpenApiTypes.STR, description="Serves this industry (code)"),
        OpenApiParameter("status", OpenApiTypes.STR, enum=PoolStatus.values),
        OpenApiParameter("search", OpenApiTypes.STR),
        OpenApiParameter(
            "pickable_for", OpenApiTypes.STR, description="Industry code: only providers a filing of it may pick"
        ),
    ]
)
class ProviderListApi(ProgramScopedMixin, generics.ListAPIView):
    """The program's resource pool as the providers page lists it; `pickable_for` keeps those an enterprise of
    that industry may pick for its filing."""

    serializer_class = ProviderOutput
    queryset = PoolMembership.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.provider_rows(
            access=self.access,
            industry=params.get("industry", "").strip(),
            status=params.get("status", "").strip(),
            search=params.get("search", "").strip(),
            pickable_for=params.get("pickable_for", "").strip(),
        )


# Rounds --------------------------------------------------------------------------------------------------


class RoundCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    industries = serializers.ListField(child=serializers.SlugField(max_length=40), min_length=1, max_length=100)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    places = serializers.IntegerField(min_value=1, max_value=99, help_text="Places per industry")
    template = serializers.SlugField(max_length=60, help_text="Code of one of the program's active selection sheets")
    notes = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


@extend_schema(parameters=[PROGRAM_PATH])
class RoundListApi(ProgramScopedMixin, generics.ListAPIView):
    """The program's rounds; a bureau reviewer opens a new one in preparation (the committee is seated and the
    window opened afterwards)."""

    serializer_class = RoundOutput
    queryset = SelectionRound.objects.none()  # for the schema only; requests use get_queryset
    filter_backends = []

    def get_queryset(self):
        return selectors.round_list(access=self.access)

    @extend_schema(request=RoundCreateInput, responses={201: RoundOutput})
    def post(self, request, program):
        access = self.access
        access.require(Capability.RUN_SELECTION)
        data = RoundCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        industries = _industries(access, fields.pop("industries"))
        template = selectors.selection_template_get(program=access.program, code=fields["template"])
        if template is None:
            raise PortalError(_("Choose one of the program's selection sheets."), fields={"template": [_("Invalid.")]})
        fields["template"] = template
        created = services.round_create(access=access, fields=fields, industries=industries)
        return Response(
            RoundOutput(selectors.round_get(access=access, pk=created.pk), context={"access": access}).data, status=201
        )


class RoundDetailApi(ProgramScopedMixin, APIView):
    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH], responses=RoundDetailOutput)
    def get(self, request, program, round):
        access = self.access
        selection_round = selectors.round_get(access=access, pk=round)
        data = RoundOutput(selection_round, context={"access": access}).data
        data["sheet"] = SheetSectionOutput(sheet_structure(selection_round.template), many=True).data
        data["applicants"] = ApplicantOutput(selectors.round_applicants(selection_round, access=access), many=True).data
        if access.can(Capability.RUN_SELECTION):
            grid = selectors.completeness(selection_round)
            data["completeness"] = CellOutput(
                [
                    {"member": str(cell.member), "applicant": cell.entry.pk, "state": cell.state}
                    for row in grid
                    for cell in row
                ],
                many=True,
            ).data
            data["missing_sheets"] = sum(
                1 for row in grid for cell in row if cell.state in ("missing", SheetStatus.DRAFT)
            )
        if selectors.may_see_ranking(access, selection_round):
            data["ranking"] = RankingTableOutput(_ranking(selection_round), many=True).data
        return Response(data)


class SeatInput(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="User id of a committee member")
    capacity = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class SeatOutput(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    name = serializers.StringRelatedField(source="member")
    capacity = serializers.CharField()
    is_active = serializers.BooleanField()


class RoundSeatApi(ProgramScopedMixin, APIView):
    """Seat a committee member (a holder of the program's committee role) before the result is confirmed."""

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH], request=SeatInput, responses={201: SeatOutput})
    def post(self, request, program, round):
        access = self.access
        access.require(Capability.RUN_SELECTION)
        selection_round = selectors.round_get(access=access, pk=round)
        data = SeatInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = selectors.committee_member_get(program=access.program, pk=data.validated_data["member"])
        if member is None:
            raise PortalError(_("Choose a committee member of this program."), fields={"member": [_("Invalid.")]})
        seat = services.round_seat(
            access=access, selection_round=selection_round, member=member, capacity=data.validated_data["capacity"]
        )
        return Response(SeatOutput(seat).data, status=201)


class AdvanceInput(serializers.Serializer):
    expected_status = serializers.ChoiceField(
        choices=[RoundStatus.DRAFT, RoundStatus.OPEN],
        help_text="The status the caller saw: draft opens the round for applications, open starts scoring",
    )


class RoundAdvanceApi(ProgramScopedMixin, APIView):
    """Open the round for applications, then close applications and start scoring."""

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH], request=AdvanceInput, responses=RoundOutput)
    def post(self, request, program, round):
        access = self.access
        access.require(Capability.RUN_SELECTION)
        selection_round = selectors.round_get(access=access, pk=round)
        data = AdvanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.round_advance(
            access=access, selection_round=selection_round, expected_status=data.validated_data["expected_status"]
        )
        return Response(
            RoundOutput(selectors.round_get(access=access, pk=selection_round.pk), context={"access": access}).data
        )


class ApplyInput(serializers.Serializer):
    industries = serializers.ListField(child=serializers.SlugField(max_length=40), min_length=1, max_length=100)
    team = serializers.CharField(max_length=MAX_TEXT)
    solution = serializers.CharField(max_length=MAX_TEXT)
    local_support_staff = serializers.IntegerField(min_value=0, max_value=100_000)


class RoundApplicationOutput(ApplicantOutput):
    team = serializers.CharField()
    solution = serializers.CharField()
    local_support_staff = serializers.IntegerField()


class RoundApplyApi(ProgramScopedMixin, APIView):
    """The provider applies to an open round, or revises its application while the round is open."""

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH], request=ApplyInput, responses={201: RoundApplicationOutput})
    def post(self, request, program, round):
        access = self.access
        access.require(Capability.APPLY_SELECTION)
        selection_round = selectors.round_get(access=access, pk=round)
        data = ApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        industries = _industries(access, fields.pop("industries"))
        entry = services.round_apply(access=access, selection_round=selection_round, industries=industries, **fields)
        entry = selectors.entry_get(access=access, selection_round=selection_round, pk=entry.pk)
        return Response(RoundApplicationOutput(entry).data, status=201)


class ConflictInput(serializers.Serializer):
    applicant = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=ConflictKind.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ConflictOutput(serializers.Serializer):
    id = serializers.IntegerField()
    applicant = serializers.IntegerField(source="application_id")
    kind = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class RoundConflictApi(ProgramScopedMixin, APIView):
    """A committee member declares a link to an applicant; it does not score that applicant."""

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH], request=ConflictInput, responses={201: ConflictOutput})
    def post(self, request, program, round):
        access = self.access
        access.require(Capability.SCORE_SELECTION)
        selection_round = selectors.round_get(access=access, pk=round)
        data = ConflictInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = selectors.entry_get(access=access, selection_round=selection_round, pk=data.validated_data["applicant"])
        declaration = services.conflict_declare(
            access=access,
            selection_round=selection_round,
            entry=entry,
            kind=data.validated_data["kind"],
            note=data.validated_data["note"],
        )
        return Response(ConflictOutput(declaration).data, status=201)


# Committee sheets ----------------------------------------------------------------------------------------


class SheetInput(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.CharField(max_length=20, allow_blank=True),
        help_text='Points per item id, as decimal strings: {"12": "22.50"}. A blank value leaves the item unscored.',
    )
    comment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False, help_text="Make the sheet final")


class SheetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    total = AsciiDecimalSerializerField(max_digits=7, decimal_places=2)
    first_section = AsciiDecimalSerializerField(max_digits=7, decimal_places=2)
    scores = serializers.SerializerMethodField()
    comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_scores(self, obj) -> dict[str, str]:
        return {str(score.item_id): f"{score.points:.2f}" for score in obj.scores.all()}


class OtherSheetOutput(SheetOutput):
    member = serializers.StringRelatedField()


class OwnSheetOutput(SheetOutput):
    others = OtherSheetOutput(many=True, help_text="The other sheets of this applicant the caller may read")


class RoundSheetApi(ProgramScopedMixin, APIView):
    """A committee member's sheet for one applicant: read it (with the others it may read), save or submit it."""

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH, ENTRY_PATH], responses=OwnSheetOutput)
    def get(self, request, program, round, entry):
        access = self.access
        selection_round = selectors.round_get(access=access, pk=round)
        applicant = selectors.entry_get(access=access, selection_round=selection_round, pk=entry)
        visible = list(selectors.sheets_visible(access=access, entry=applicant))
        own = next((sheet for sheet in visible if sheet.member_id == access.user.pk), None)
        if own is None:
            raise Http404
        data = SheetOutput(own).data
        data["others"] = OtherSheetOutput([sheet for sheet in visible if sheet.pk != own.pk], many=True).data
        return Response(data)

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH, ENTRY_PATH], request=SheetInput, responses=SheetOutput)
    def put(self, request, program, round, entry):
        access = self.access
        access.require(Capability.SCORE_SELECTION)
        selection_round = selectors.round_get(access=access, pk=round)
        applicant = selectors.entry_get(access=access, selection_round=selection_round, pk=entry)
        data = SheetInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            sheet = services.sheet_save(
                access=access, selection_round=selection_round, entry=applicant, **data.validated_data
            )
        except PortalError as error:
            raise item_errors_as_scores(error) from None
        sheet = selectors.sheet_visible_get(access=access, entry=applicant, pk=sheet.pk)
        return Response(SheetOutput(sheet).data)


# Confirmation and publication ----------------------------------------------------------------------------


class ConfirmInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required while sheets are missing: why the round is confirmed without them",
    )


class PublishInput(serializers.Serializer):
    published_on = serializers.DateField()


class RoundConfirmApi(ProgramScopedMixin, APIView):
    """Fix the ranking; the top places of each industry become the selected list."""

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH], request=ConfirmInput, responses=RoundOutput)
    def post(self, request, program, round):
        access = self.access
        access.require(Capability.RUN_SELECTION)
        selection_round = selectors.round_get(access=access, pk=round)
        data = ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.round_confirm(access=access, selection_round=selection_round, reason=data.validated_data["reason"])
        return Response(
            RoundOutput(selectors.round_get(access=access, pk=selection_round.pk), context={"access": access}).data
        )


class RoundPublishApi(ProgramScopedMixin, APIView):
    """Publish the confirmed list: its providers may be picked in their industries from then on."""

    @extend_schema(parameters=[PROGRAM_PATH, ROUND_PATH], request=PublishInput, responses=RoundOutput)
    def post(self, request, program, round):
        access = self.access
        access.require(Capability.RUN_SELECTION)
        selection_round = selectors.round_get(access=access, pk=round)
        data = PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.round_publish(
            access=access, selection_round=selection_round, published_on=data.validated_data["published_on"]
        )
        return Response(
            RoundOutput(selectors.round_get(access=access, pk=selection_round.pk), context={"access": access}).data
        )


# Decisions on a provider ---------------------------------------------------------------------------------


class DecisionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    reason = serializers.CharField(max_length=MAX_TEXT)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    industries = serializers.ListField(
        child=serializers.SlugField(max_length=40),
        required=False,
        default=list,
        max_length=100,
        help_text="For a later admission: the industries it is admitted for",
    )
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.IntegerField(source="membership_id")
    kind = serializers.CharField()
    reason = serializers.CharField()
    reference = serializers.CharField()
    decided_on = serializers.DateField()
    industries = serializers.SerializerMethodField()
    status_before = serializers.CharField()
    status_after = serializers.CharField()

    def get_industries(self, obj) -> list[str]:
        return [industry.code for industry in obj.industries.all()]


class ProviderDecisionApi(ProgramScopedMixin, APIView):
    """Admit a provider later (增选), warn or remove it, by a recorded decision."""

    @extend_schema(parameters=[PROGRAM_PATH, PROVIDER_PATH], request=DecisionInput, responses={201: DecisionOutput})
    def post(self, request, program, provider):
        access = self.access
        access.require(Capability.MANAGE_POOL)
        membership = selectors.provider_get(access=access, pk=provider)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        industries = _industries(access, fields.pop("industries"))
        decision = services.pool_decide(access=access, membership=membership, industries=industries, **fields)
        return Response(DecisionOutput(decision).data, status=201)
