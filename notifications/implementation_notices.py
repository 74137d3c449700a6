"""Who hears of implementation events, and what they read: the enterprise of a new update, the provider of
the enterprise's answer, the bureau of a complaint, both sides of its decision."""

from django.urls import reverse

from implementation.models import Complaint, ProgressPost
from notifications.selectors import role_holders
from notifications.services import notify
from portal.core.roles import Role


def _link(application):
    return reverse(
        "implementation:progress", kwargs={"program": application.program.slug, "application": application.pk}
    )


def _parties(application, *roles):
    people = []
    if Role.ENTERPRISE in roles:
        people += role_holders(application.program, Role.ENTERPRISE, application.enterprise.organisation_id)
    if Role.PROVIDER in roles and application.provider_id:
        people += role_holders(application.program, Role.PROVIDER, application.provider.organisation_id)
    if Role.BUREAU_REVIEWER in roles:
        people += role_holders(application.program, Role.BUREAU_REVIEWER)
    return people


def post_notify(*, post_id: int, event: str):
    """`event`: "posted" tells the enterprise; "answered" tells the provider."""
    post = ProgressPost.objects.select_related(
        "application__program",
        "application__enterprise__organisation",
        "application__provider",
        "milestone",
        "subcontract__membership",
    ).get(pk=post_id)
    application = post.application
    title = f"《{application.title}》{post.milestone.name}"
    if event == "posted":
        recipients = _parties(application, Role.ENTERPRISE)
        text = f"{title}：服务商报告进度 {post.percent}%，请确认或提出异议。"
    else:
        recipients = (
            # the answer on a subcontracted part goes to the subcontractor that posted it
            role_holders(application.program, Role.PROVIDER, post.subcontract.membership.organisation_id)
            if post.subcontract_id
            else _parties(application, Role.PROVIDER)
        )
        text = f"{title}：企业{post.get_status_display()}" + (f"（{post.response}）" if post.response else "")
    return notify(
        recipients=recipients,
        program=application.program,
        event=f"progress.{event}",
        text=text[:300],
        link=_link(application),
        source=f"implementation.ProgressPost:{post.pk}:{event}",
    )


def complaint_notify(*, complaint_id: int, event: str):
    """`event`: "filed" tells the reviewers; "decided" tells the enterprise and the provider."""
    complaint = Complaint.objects.select_related(
        "application__program", "application__enterprise__organisation", "application__provider__organisation"
    ).get(pk=complaint_id)
    application = complaint.application
    if event == "filed":
        recipients = _parties(application, Role.BUREAU_REVIEWER)
        text = f"{application.enterprise.organisation.name}投诉服务商《{application.title}》：{complaint.text}"
    else:
        recipients = _parties(application, Role.ENTERPRISE, Role.PROVIDER)
        text = f"《{application.title}》投诉已{complaint.get_status_display()}：{complaint.decision_note}"
    return notify(
        recipients=recipients,
        program=application.program,
        event=f"complaint.{event}",
        text=text[:300],
        link=_link(application),
        source=f"implementation.Complaint:{complaint.pk}:{event}",
    )
