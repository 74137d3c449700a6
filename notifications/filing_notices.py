"""Who hears of a filing's workflow step, and what they read."""

from django.urls import reverse
from django.utils.translation import gettext as _

from filings.models import Status, Transition
from notifications.selectors import role_holders
from notifications.services import notify
from portal.core.roles import Role


def transition_notify(*, transition_id: int):
    step = Transition.objects.select_related(
        "application__program", "application__enterprise__organisation", "application__provider", "actor"
    ).get(pk=transition_id)
    application = step.application
    program = application.program
    enterprise_users = role_holders(program, Role.ENTERPRISE, application.enterprise.organisation_id)
    recipients = list(enterprise_users)
    answer = step.action in ("provider_accept", "provider_decline")
    if answer or step.to_status in (Status.SUBMITTED, Status.RESUBMITTED, Status.WITHDRAWN):
        recipients += role_holders(program, Role.BUREAU_REVIEWER)
    if application.provider_id and step.to_status in (Status.SUBMITTED, Status.RESUBMITTED, Status.APPROVED):
        # The provider is asked to accept a submitted project (two-way selection) and told of its approval.
        recipients += role_holders(program, Role.PROVIDER, application.provider.organisation_id)
    recipients = [user for user in recipients if user.pk != step.actor_id]
    if answer:
        what = (
            _("the provider accepted the project")
            if step.action == "provider_accept"
            else _("the provider declined the project")
        )
    else:
        what = f"{step.get_from_status_display()} → {step.get_to_status_display()}"
    text = f"{application.enterprise.organisation.name}《{application.title}》：{what}" + (
        f"（{step.comment}）" if step.comment else ""
    )
    link = reverse("filings:detail", kwargs={"program": program.slug, "application": application.pk})
    return notify(
        recipients=recipients,
        program=program,
        event=f"filing.{step.action}",
        text=text[:300],
        link=link,
        source=f"filings.Transition:{step.pk}",
    )
