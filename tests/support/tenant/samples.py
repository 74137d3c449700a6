"""Program A's sample enterprises for the isolation walker, and the designation other tests give a project before
granting it the sample award."""

from datetime import date

from samples.models import SampleDesignation, SampleStatus
from tests.factories import (
    ApplicationFactory,
    SampleApplicationFactory,
    SampleCopyFactory,
    SampleDesignationFactory,
    SamplePhotoFactory,
    SampleSiteCheckFactory,
)


def sample_designation_for(application, actor=None, reason="样本企业") -> SampleDesignation:
    """Make `application`'s enterprise an active sample of its industry, rows written directly (no workflow, no
    quota): what the sample award needs (`subsidies.runs.award_grant`). The workflow is tested in test_samples."""
    actor = actor or application.created_by
    item = SampleApplicationFactory(
        program=application.program,
        application=application,
        industry=application.enterprise.industry,
        statement="改造成效显著",
        status=SampleStatus.DESIGNATED,
        applied_by=actor,
    )
    return SampleDesignationFactory(
        program=application.program,
        sample_application=item,
        application=application,
        industry=application.enterprise.industry,
        reason=reason,
        designated_by=actor,
    )


def sample_objects(program, application, industry, actor) -> list[str]:
    """Program A's sample application with its on-site check, photo, designation and a filing started from it;
    returns the strings a leak shows."""
    item = SampleApplicationFactory(
        program=program,
        application=application,
        industry=industry,
        statement="ZZA样本陈述",
        provider_statement="ZZA服务商样本陈述",
        status=SampleStatus.DESIGNATED,
        applied_by=actor,
        decision_reason="ZZA样本决定",
    )
    SampleSiteCheckFactory(
        sample_application=item,
        checked_on=date(2024, 8, 1),
        experts="ZZA核查专家",
        association_representatives="ZZA协会代表",
        findings="ZZA现场核查",
        recommends=True,
        recorded_by=actor,
    )
    SamplePhotoFactory(
        sample_application=item,
        caption="ZZA样本照片说明",
        original_name="ZZA样本照片.png",
        content_type="image/png",
        size=22,
        sha256="0" * 64,
        uploaded_by=actor,
        filename="zza-sample.png",
        content=b"\x89PNG\r\n\x1a\nZZASAMPLEPNG",
    )
    designation = SampleDesignationFactory(
        program=program,
        sample_application=item,
        application=application,
        industry=industry,
        reason="ZZA样本理由",
        reference="ZZA样本文号",
        designated_by=actor,
    )
    copied = ApplicationFactory(
        program=program,
        enterprise=application.enterprise,
        track=application.track,
        title="ZZA参照样本申报",
        created_by=actor,
    )
    SampleCopyFactory(sample=designation, application=copied, copied_by=actor)
    return [
        "ZZA样本陈述",
        "ZZA服务商样本陈述",
        "ZZA样本决定",
        "ZZA核查专家",
        "ZZA协会代表",
        "ZZA现场核查",
        "ZZA样本照片",
        "ZZASAMPLEPNG",
        "ZZA样本理由",
        "ZZA样本文号",
        "ZZA参照样本申报",
    ]
