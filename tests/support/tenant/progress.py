"""Program A's implementation records for the isolation walker."""

from datetime import date

from tests.factories import (
    ComplaintFactory,
    MilestoneFactory,
    MilestoneTemplateFactory,
    ProgressEvidenceFactory,
    ProgressPostFactory,
)


def progress_objects(application, provider, actor) -> list[str]:
    """Milestones, a progress update with a photo, a rating and a complaint on program A's filing."""
    application.provider = provider
    application.save()
    MilestoneTemplateFactory(program=application.program, track="zza-track", number=1, name="ZZA模板节点", due_days=30)
    milestone = MilestoneFactory(application=application, number=1, name="ZZA里程碑", due_on=date(2024, 6, 1))
    post = ProgressPostFactory(
        application=application, milestone=milestone, percent=50, text="ZZA进度说明", posted_by=actor
    )
    evidence = ProgressEvidenceFactory(
        post=post,
        original_name="ZZA现场照片.png",
        content_type="image/png",
        size=16,
        sha256="0" * 64,
        uploaded_by=actor,
        filename="zza-photo.png",
        content=b"\x89PNG\r\n\x1a\nZZAPHOTO",
    )
    ComplaintFactory(application=application, text="ZZA投诉内容", filed_by=actor)
    return ["ZZA模板节点", milestone.name, post.text, evidence.original_name, "ZZAPHOTO", "ZZA投诉内容"]
