"""A quote: one project's facts through one policy version. Shared by the command, the calculator page and
the API, so all three accept and refuse exactly the same inputs."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from policies import engine
from policies.selectors import parse_override, policy_snapshot, policy_version_for_quote
from portal.core.errors import PortalError
from portal.core.money import parse_amount
from programs.models import Industry, Program

MONEY_FIELDS = ("n_investment", "x_investment", "total_investment", "automation_investment")


@dataclass
class QuoteInput:
    track: str
    industry: str = ""
    scale: str = ""
    batch: str | int | None = None
    n_investment: str | Decimal | None = None
    x_investment: str | Decimal | None = None
    total_investment: str | Decimal | None = None
    automation_investment: str | Decimal | None = None
    level: str | int | None = None
    accepted_on: str | date | None = None
    quoted_on: date | None = None  # an estimate before acceptance (see `engine.Facts.quoted_on`)
    version: str = ""
    overrides: list[str] = field(default_factory=list)  # "key=value"
    awards: list[str] = field(default_factory=list)  # "kind=yuan"


def bad(field_name: str, message: str) -> PortalError:
    return PortalError(f"{field_name}: {message}", fields={field_name: [message]})


@dataclass
class QuoteCache:
    """What quoting many projects of one program reads once: versions, tracks, industries, snapshots."""

    versions: dict = field(default_factory=dict)
    tracks: dict = field(default_factory=dict)
    industries: dict = field(default_factory=dict)
    snapshots: dict = field(default_factory=dict)

    def version(self, program, code):
        key = (program.pk, code)
        if key not in self.versions:
            self.versions[key] = policy_version_for_quote(program=program, code=code)
        return self.versions[key]

    def tracks_of(self, version):
        if version.pk not in self.tracks:
            self.tracks[version.pk] = {track.code: track for track in version.tracks.all()}
        return self.tracks[version.pk]

    def industry(self, program, code):
        key = (program.pk, code)
        if key not in self.industries:
            self.industries[key] = Industry.objects.filter(program=program, code=code).first()
        return self.industries[key]

    def snapshot(self, version):
        if version.pk not in self.snapshots:
            self.snapshots[version.pk] = policy_snapshot(version=version, overrides=[])
        return self.snapshots[version.pk]


def quote(*, program: Program, data: QuoteInput, cache: QuoteCache | None = None):
    """(version, result). Raises PortalError whose message starts with the offending field's name.
    `cache`: share one across the quotes of a list, so the list costs the same for 1 row as for 50."""
    cache = cache or QuoteCache()
    version = cache.version(program, data.version)
    tracks = cache.tracks_of(version)
    track = tracks.get(data.track)
    if track is None:
        raise bad(
            "track",
            _("“%(track)s” is not a track of %(version)s (choose from: %(choices)s)")
            % {"track": data.track, "version": version.code, "choices": ", ".join(tracks)},
        )
    industry_name = ""
    if data.industry:
        industry = cache.industry(program, data.industry)
        if industry is None:
            raise bad(
                "industry",
                _("“%(industry)s” is not an industry code of program %(program)s")
                % {"industry": data.industry, "program": program.slug},
            )
        industry_name = industry.name
    overrides = [parse_override(text, track_kind=track.kind) for text in data.overrides]
    policy = policy_snapshot(version=version, overrides=overrides) if overrides else cache.snapshot(version)
    facts = engine.Facts(
        track=data.track,
        industry=data.industry,
        industry_name=industry_name,
        scale=data.scale or "",
        batch=_integer(data.batch, "batch", minimum=1),
        level=_level(data.level),
        accepted_on=_date(data.accepted_on),
        quoted_on=data.quoted_on,
        awards=tuple(_award(text) for text in data.awards),
        **{name: _money(getattr(data, name), name) for name in MONEY_FIELDS},
    )
    try:
        return version, engine.evaluate(policy, facts)
    except engine.PolicyError as error:
        raise bad(error.field, error.message) from error


def result_as_dict(result: engine.Result) -> dict:
    """The JSON shape of a quote: amounts as strings with two decimals, rates as decimal strings."""
    return {
        "eligible": result.eligible,
        "reasons": list(result.reasons),
        "policy_version": result.policy_version,
        "subsidy_lines": [
            {
                "component": line.component,
                "base": _fen(line.base),
                "rate": rate_text(line.rate),
                "amount": _fen(line.amount),
                "rule": line.rule,
            }
            for line in result.subsidy_lines
        ],
        "subsidy_subtotal": _fen(result.subsidy_subtotal),
        "cap": None if result.cap is None else _fen(result.cap),
        "subsidy": _fen(result.subsidy),
        "award_lines": [
            {"kind": line.kind, "amount": _fen(line.amount), "rule": line.rule} for line in result.award_lines
        ],
        "total": _fen(result.total),
        "funding_lines": [{"source": line.source, "amount": _fen(line.amount)} for line in result.funding_lines],
        "trace": result.trace_text(),
    }


def rate_text(rate: Decimal) -> str:
    """0.5 → "0.50", 0.125 → "0.125": at least two decimals, no trailing noise."""
    text = f"{rate.normalize():f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def _fen(value: Decimal) -> str:
    return f"{value:.2f}"


def _money(value, name):
    if value is None or value == "":
        return None
    try:
        return parse_amount(value, name, allow_zero=True)
    except PortalError as error:
        raise bad(name, _("“%(value)s”: %(error)s") % {"value": value, "error": error.fields[name][0]}) from None


def _integer(value, name, *, minimum):
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise bad(name, _("“%(value)s” is not a whole number") % {"value": value}) from None
    if number < minimum:
        raise bad(name, _("At least %(minimum)s") % {"minimum": minimum})
    return number


def _level(value):
    level = _integer(value, "level", minimum=1)
    if level is not None and level > 4:
        raise bad("level", _("The digital level is 1 to 4"))
    return level


def _date(value):
    if value is None or value == "" or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise bad("accepted_on", _("“%(value)s” is not a valid date (YYYY-MM-DD)") % {"value": value}) from None


def _award(text):
    if "=" not in text:
        raise bad("award", _("Write “%(text)s” as kind=amount") % {"text": text})
    kind, raw = (part.strip() for part in text.split("=", 1))
    if kind not in engine.AWARD_KINDS:
        raise bad(
            "award",
            _("Unknown award kind “%(kind)s” (choose from: %(choices)s)")
            % {"kind": kind, "choices": ", ".join(engine.AWARD_KINDS[:-1])},
        )
    return kind, _money(raw, "award")
