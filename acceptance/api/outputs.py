"""What the acceptance API shows: a review in a list and in full (panel, rubric, sheets, result, transitions,
objections, the proposed subsidy), with the audit for those who may read it."""

from contextlib import suppress

from rest_framework import serializers

from acceptance import selectors
from acceptance.models import AMOUNT_FIELDS, ReviewStatus
from acceptance.workflow import REVIEW
from portal.core.api import WorkflowActionsField
from portal.core.errors import NotAllowed, PortalError
from portal.core.fields import AsciiDecimalSerializerField, amount_field
from portal.core.roles import Capability
from scoring.api import SheetSectionOutput
from scoring.selectors import sheet_structure


class AcceptanceProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filing_number = serializers.CharField()
    title = serializers.CharField()


class RubricRefOutput(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


class AcceptanceReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = AcceptanceProjectOutput()
    enterprise = serializers.CharField(source="application.enterprise.organisation.name")
    provider = serializers.CharField(source="application.provider.organisation.name", allow_null=True, default=None)
    status = serializers.CharField(
        help_text="requested, panel, scoring, audited, passed, failed, announcing, on_hold or announced"
    )
    score = AsciiDecimalSerializerField(
        max_digits=7, decimal_places=2, allow_null=True, help_text="The panel's mean, once the review is closed"
    )
    template = RubricRefOutput()
    requested_at = serializers.DateTimeField(source="created_at")
    announcement_starts_on = serializers.DateField(allow_null=True)
    announcement_ends_on = serializers.DateField(allow_null=True)
    actions = WorkflowActionsField(REVIEW)


class InvestmentAmountsOutput(serializers.Serializer):
    n_software = amount_field()
    n_hardware = amount_field()
    x_software = amount_field()
    x_hardware = amount_field()
    automation = amount_field()


class FinancialAuditOutput(InvestmentAmountsOutput):
    total = amount_field(help_text="N and X, software and hardware: the subsidy base")
    conclusion = serializers.CharField()
    auditor = serializers.StringRelatedField()
    recorded_at = serializers.DateTimeField(source="created_at")


class AcceptancePanelSeatOutput(serializers.Serializer):
    expert = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["missing", "draft", "submitted", "conflict"],
        help_text="The expert's sheet, or `conflict` once the expert declared a link and left the panel",
    )


class ExpertSheetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="draft or submitted")
    total = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, help_text="Bonus included")
    bonus = AsciiDecimalSerializerField(max_digits=7, decimal_places=2)
    scores = serializers.SerializerMethodField()
    comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_scores(self, obj) -> dict[str, str]:
        return {str(score.item_id): f"{score.points:.2f}" for score in obj.scores.all() if score.points is not None}


class PanelSheetOutput(ExpertSheetOutput):
    expert = serializers.StringRelatedField()


class AcceptanceResultOutput(serializers.Serializer):
    score = AsciiDecimalSerializerField(max_digits=7, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(help_text="The panel's verdict; an upheld objection fails the project later")
    pass_mark = AsciiDecimalSerializerField(max_digits=5, decimal_places=2)
    working = serializers.CharField()


class AcceptanceTransitionOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.StringRelatedField()
    comment = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class ObjectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    raised_by = serializers.CharField()
    text = serializers.CharField()
    status = serializers.CharField(help_text="open, upheld or dismissed")
    recorded_by = serializers.StringRelatedField()
    recorded_at = serializers.DateTimeField(source="created_at")
    resolution = serializers.CharField()
    resolved_by = serializers.StringRelatedField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class ProposedSubsidyOutput(serializers.Serializer):
    total = amount_field()
    policy_version = serializers.CharField()


class AcceptanceReviewHeadOutput(AcceptanceReviewOutput):
    deliverables = serializers.CharField()
    cosigned_at = serializers.DateTimeField(allow_null=True, help_text="When the provider co-signed the request")
    financial_auditor = serializers.StringRelatedField(allow_null=True)


class AcceptanceReviewDetailOutput(AcceptanceReviewHeadOutput):
    declared = InvestmentAmountsOutput(help_text="The investment per category the enterprise declared")
    audit = FinancialAuditOutput(required=False, help_text="Once recorded, for those who may read it")
    panel = AcceptancePanelSeatOutput(many=True)
    rubric = SheetSectionOutput(many=True, help_text="The rubric's sections and items (ids for the sheet)")
    sheets = PanelSheetOutput(many=True, required=False, help_text="The sheets the caller may read")
    result = AcceptanceResultOutput(required=False, help_text="Once the review is closed")
    transitions = AcceptanceTransitionOutput(many=True)
    objections = ObjectionOutput(many=True)
    proposed_subsidy = ProposedSubsidyOutput(
        required=False, help_text="The policy engine on the audited amounts, when it can be computed"
    )


def audit_readable(access, review) -> bool:
    """Bureau and audit roles, the assigned financial auditor, and the project's enterprise and provider."""
    if access.can(Capability.VIEW_ALL_ENTERPRISES) or review.financial_auditor_id == access.user.pk:
        return True
    organisation = access.user.organisation_id
    application = review.application
    if not organisation:
        return False
    if access.can(Capability.REQUEST_ACCEPTANCE) and application.enterprise.organisation_id == organisation:
        return True
    provider = application.provider
    return (
        access.can(Capability.COSIGN_ACCEPTANCE) and provider is not None and provider.organisation_id == organisation
    )


def audit_of(review):
    """The review's audit, or None before it is recorded."""
    return getattr(review, "audit", None)


def proposed_subsidy(review) -> dict | None:
    """The proposed subsidy on the audited amounts; None without an audit or when the policy cannot price it."""
    if audit_of(review) is None:
        return None
    try:
        _version, result = selectors.review_estimate(review)
    except PortalError:
        return None
    return {"total": result.total, "policy_version": result.policy_version}


def detail_data(access, review) -> dict:
    """The review in full as the caller may read it (`AcceptanceReviewDetailOutput`)."""
    data = AcceptanceReviewHeadOutput(review, context={"access": access}).data
    data["declared"] = InvestmentAmountsOutput(
        {name: getattr(review, f"declared_{name}") for name in AMOUNT_FIELDS}
    ).data
    audit = audit_of(review)
    audit_visible = audit is not None and audit_readable(access, review)
    if audit_visible:
        data["audit"] = FinancialAuditOutput(audit).data
    data["panel"] = AcceptancePanelSeatOutput(selectors.panel_states(review), many=True).data
    data["rubric"] = SheetSectionOutput(sheet_structure(review.template), many=True).data
    with suppress(NotAllowed):  # the enterprise, the provider and the financial auditor read no sheet
        data["sheets"] = PanelSheetOutput(selectors.sheets_visible(access=access, review=review), many=True).data
    transitions = selectors.review_transitions(review)
    if review.decided_at is not None:
        data["result"] = AcceptanceResultOutput(
            {
                "score": review.score,
                "passed": any(step.to_status == ReviewStatus.PASSED for step in transitions),
                "pass_mark": review.application.program.acceptance_pass_mark,
                "working": review.working,
            }
        ).data
    data["transitions"] = AcceptanceTransitionOutput(transitions, many=True).data
    data["objections"] = ObjectionOutput(selectors.review_objections(review), many=True).data
    if audit_visible and (proposed := proposed_subsidy(review)) is not None:
        data["proposed_subsidy"] = ProposedSubsidyOutput(proposed).data
    return data
