"""Implementation of an approved filing: milestones, progress posts with their evidence, complaints, ratings."""

from datetime import date

import factory

from implementation.models import (
    Complaint,
    Milestone,
    MilestoneTemplate,
    ProgressEvidence,
    ProgressPost,
    ProviderRating,
)
from tests.factories.base import ProgramFactory, UserFactory
from tests.factories.files import StoredFileFactory
from tests.factories.filings import ApplicationFactory


class MilestoneTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneTemplate

    program = factory.SubFactory(ProgramFactory)
    track = "lightweight"
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"模板节点 {o.number}")
    due_days = 30


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    application = factory.SubFactory(ApplicationFactory, status="approved")
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"里程碑 {o.number}")
    due_on = date(2030, 1, 1)


class ProgressPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressPost

    milestone = factory.SubFactory(MilestoneFactory)
    application = factory.LazyAttribute(lambda o: o.milestone.application)
    percent = 10
    text = "进度"
    posted_by = factory.SubFactory(UserFactory)


class ProgressEvidenceFactory(StoredFileFactory):
    class Meta:
        model = ProgressEvidence

    class Params:
        content = b"\x89PNG\r\n\x1a\nphoto"

    post = factory.SubFactory(ProgressPostFactory)
    original_name = "现场照片.png"
    content_type = "image/png"


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    application = factory.SubFactory(ApplicationFactory, status="approved")
    text = "投诉"
    filed_by = factory.SubFactory(UserFactory)


class ProviderRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderRating

    application = factory.SubFactory(ApplicationFactory, status="approved")
    score = 5
    rated_by = factory.SubFactory(UserFactory)
