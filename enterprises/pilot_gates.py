"""Who may file a track, as the pilot parameters of the policy say (seed 002 二(二), seed 004 四8).

`pilots_only`: only the program's designated pilot enterprises; `pilots_excluded`: anyone but them;
`after_industry_pilot_accepted`: only once a pilot project of the enterprise's industry passed acceptance.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from enterprises.models import PilotDesignation

GATE_KEYS = ("pilots_only", "pilots_excluded", "after_industry_pilot_accepted")


def _on(track_params: dict, key: str) -> bool:
    value = track_params.get(key)
    return value is not None and not isinstance(value, dict) and value == 1


def pilot_track_codes(*, program):
    """Codes of the program's tracks that only pilots may file, in its active and retired versions (a subquery)."""
    from policies.models import PolicyParameter, VersionStatus

    return (
        PolicyParameter.objects.filter(
            version__program=program, track__isnull=False, key="pilots_only", value=1, qualifier=""
        )
        .exclude(version__status=VersionStatus.DRAFT)
        .values("track__code")
    )


def is_designated_pilot(*, program, organisation_id):
    """An Exists over the active designations of `program` whose target carries the organisation's credit code."""
    from organisations.models import Organisation

    uscc = Organisation.objects.filter(pk=organisation_id).values("uscc")[:1]
    return Exists(PilotDesignation.objects.filter(program=program, is_active=True, target__uscc=Subquery(uscc)))


# Whether a pilot project of an industry has passed acceptance is acceptance's to say: it registers the answer
# in its ready() (`industry_pilot_accepted_register`), a function (program, industry id or OuterRef) → Exists.
_industry_pilot_accepted = []


def industry_pilot_accepted_register(answer) -> None:
    _industry_pilot_accepted[:] = [answer]


def industry_pilot_accepted(*, program, industry):
    """An Exists over the accepted pilot projects of `program` in `industry` (an id or an OuterRef)."""
    (answer,) = _industry_pilot_accepted
    return answer(program=program, industry=industry, pilot_tracks=pilot_track_codes(program=program))


def track_pilot_refusal(*, program, enterprise, track_params: dict) -> tuple[str, str] | None:
    """Why `enterprise` (an EnterpriseProfile of `program`) may not file a track with `track_params`, as
    `("track", message)`, or None when it may.

    No query when the track carries none of the pilot parameters, one query otherwise.
    """
    gates = {key for key in GATE_KEYS if _on(track_params, key)}
    if not gates:
        return None
    from programs.models import Industry

    industry = (
        Industry.objects.filter(pk=enterprise.industry_id)
        .annotate(
            is_pilot=is_designated_pilot(program=program, organisation_id=enterprise.organisation_id),
            pilot_accepted=industry_pilot_accepted(program=program, industry=OuterRef("pk")),
        )
        .get()
    )
    if "pilots_only" in gates and not industry.is_pilot:
        return (
            "track",
            _(
                "Only the program's designated pilot enterprises may file this track; your enterprise is not on "
                "the pilot list. File another track, or ask the bureau about the pilot designation."
            ),
        )
    if "pilots_excluded" in gates and industry.is_pilot:
        return (
            "track",
            _(
                "Designated pilot enterprises may not file this track: it is for the other enterprises of the "
                "industry. File the pilot track instead."
            ),
        )
    if "after_industry_pilot_accepted" in gates and not industry.pilot_accepted:
        return (
            "track",
            _(
                "This track opens for %(industry)s once a pilot project of the industry has passed acceptance. "
                "File it after the first pilot project of %(industry)s is accepted."
            )
            % {"industry": industry.display_name},
        )
    return None
