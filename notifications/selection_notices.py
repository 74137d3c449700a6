"""Who hears of selection events: a member of its seat, applicants of the published result, a provider of a
decision on it."""

from django.urls import reverse

from notifications.selectors import role_holders
from notifications.services import notify
from portal.core.roles import Role
from providers.models import CommitteeSeat, PoolDecision, SelectionRound


def _round_link(selection_round):
    return reverse("providers:round", kwargs={"program": selection_round.program.slug, "round": selection_round.pk})


def seat_notify(*, object_id: int):
    seat = CommitteeSeat.objects.select_related("round__program", "member").get(pk=object_id)
    return notify(
        recipients=[seat.member],
        program=seat.round.program,
        event="selection.seated",
        text=f"您已被聘为“{seat.round.title}”评审委员，请在评分阶段完成评分。",
        link=_round_link(seat.round),
        source=f"providers.CommitteeSeat:{seat.pk}:{seat.history.count()}",
    )


def publish_notify(*, object_id: int):
    selection_round = SelectionRound.objects.select_related("program").get(pk=object_id)
    recipients = []
    for entry in selection_round.applications.select_related("membership"):
        recipients += role_holders(selection_round.program, Role.PROVIDER, entry.membership.organisation_id)
    return notify(
        recipients=recipients,
        program=selection_round.program,
        event="selection.published",
        text=f"“{selection_round.title}”遴选结果已于{selection_round.published_on:%Y-%m-%d}公布。",
        link=_round_link(selection_round),
        source=f"providers.SelectionRound:{selection_round.pk}:published",
    )


def decision_notify(*, object_id: int):
    decision = PoolDecision.objects.select_related("membership__program", "membership__organisation").get(pk=object_id)
    membership = decision.membership
    return notify(
        recipients=role_holders(membership.program, Role.PROVIDER, membership.organisation_id),
        program=membership.program,
        event=f"pool.{decision.kind}",
        text=f"{membership.organisation.name}：{decision.get_kind_display()}。{decision.reason}"[:300],
        link=reverse("providers:detail", kwargs={"program": membership.program.slug, "provider": membership.pk}),
        source=f"providers.PoolDecision:{decision.pk}",
    )
