"""What the provider pages share: the redirect to a round's page, the caller's own place in the pool."""

from django.shortcuts import redirect

from portal.core.errors import NotAllowed
from portal.core.roles import Capability
from providers import services


def round_redirect(access, selection_round):
    return redirect("providers:round", program=access.program.slug, round=selection_round.pk)


def own_membership_or_none(access):
    if not access.can(Capability.APPLY_SELECTION):
        return None
    try:
        return services.own_membership(access)
    except NotAllowed:
        return None
