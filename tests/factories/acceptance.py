"""Acceptance of a project: the review, its panel and their sheets, the audit, objections, the reports, and the
digital-level assessments."""

from datetime import date

import factory

from acceptance.models import (
    AcceptanceReportFile,
    AcceptanceReview,
    AssessmentReport,
    AuditReport,
    DigitalAssessment,
    ExpertSeat,
    ExpertSheet,
    FinancialAudit,
    Objection,
    ReportJob,
)
from tests.factories.base import UserFactory
from tests.factories.files import StoredFileFactory
from tests.factories.filings import ApplicationFactory
from tests.factories.scoring import SheetTemplateFactory


class AcceptanceReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcceptanceReview

    application = factory.SubFactory(ApplicationFactory, status="approved")
    template = factory.LazyAttribute(
        lambda o: SheetTemplateFactory(program=o.application.program, purpose="acceptance")
    )
    deliverables = "交付成果"
    requested_by = factory.SubFactory(UserFactory)


class ExpertSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertSeat

    review = factory.SubFactory(AcceptanceReviewFactory)
    expert = factory.SubFactory(UserFactory)
    assigned_by = factory.SubFactory(UserFactory)


class ExpertSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertSheet

    review = factory.SubFactory(AcceptanceReviewFactory)
    expert = factory.SubFactory(UserFactory)


class FinancialAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialAudit

    review = factory.SubFactory(AcceptanceReviewFactory)
    auditor = factory.SubFactory(UserFactory)
    conclusion = "账实相符"


class AuditReportFactory(StoredFileFactory):
    class Meta:
        model = AuditReport

    audit = factory.SubFactory(FinancialAuditFactory)
    original_name = "审计报告.pdf"


class AcceptanceReportFileFactory(StoredFileFactory):
    class Meta:
        model = AcceptanceReportFile

    review = factory.SubFactory(AcceptanceReviewFactory)
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    original_name = "验收报告.pdf"


class ReportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportJob

    review = factory.SubFactory(AcceptanceReviewFactory)
    requested_by = factory.SubFactory(UserFactory)


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    review = factory.SubFactory(AcceptanceReviewFactory)
    raised_by = "同行企业"
    text = "异议内容"
    recorded_by = factory.SubFactory(UserFactory)


class DigitalAssessmentFactory(factory.django.DjangoModelFactory):
    """A level-3 assessment after the project: scores within their maxima, sixteen scenes at level 3."""

    class Meta:
        model = DigitalAssessment

    application = factory.SubFactory(ApplicationFactory, status="approved")
    phase = "after"
    assessor = factory.SubFactory(UserFactory)
    assessed_on = date(2024, 6, 1)
    basics = 30
    management = 20
    results = 12
    scene_levels = factory.LazyFunction(lambda: [3] * 16)
    level = 3
    reason = "定级依据"


class AssessmentReportFactory(StoredFileFactory):
    class Meta:
        model = AssessmentReport

    assessment = factory.SubFactory(DigitalAssessmentFactory)
    original_name = "评测报告.pdf"
