"""Reads of policy versions, and the snapshot the engine evaluates."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from policies import specs
from policies.engine import Policy, Track
from policies.models import PolicyParameter, PolicyTrack, PolicyVersion, VersionStatus
from portal.core.errors import PortalError
from portal.core.money import round_fen


def policy_version_list(*, program):
    return PolicyVersion.objects.filter(program=program).select_related("activated_by")


def active_track_list(*, program):
    """The tracks of the program's active policy version (none when no version is active)."""
    return PolicyTrack.objects.filter(version__program=program, version__status=VersionStatus.ACTIVE)


def policy_track_find(*, version: PolicyVersion, code: str) -> PolicyTrack | None:
    """The track `code` of the version, None when the version has no such track."""
    return PolicyTrack.objects.filter(version=version, code=code).first()


def policy_version_for_quote(*, program, code: str = "") -> PolicyVersion:
    """The version `code` of the program, or its active version."""
    versions = PolicyVersion.objects.filter(program=program)
    version = versions.filter(code=code).first() if code else versions.filter(status=VersionStatus.ACTIVE).first()
    if version is None:
        if code:
            message = _("Program %(program)s has no policy version “%(code)s”") % {
                "program": program.slug,
                "code": code,
            }
            raise PortalError(f"version: {message}", fields={"version": ["unknown"]})
        message = _("Program %(program)s has no active policy version") % {"program": program.slug}
        raise PortalError(f"version: {message}", fields={"version": ["none active"]})
    return version


def _typed(spec, parameter: PolicyParameter):
    if spec is not None and spec.type == specs.DATE:
        return parameter.date_value
    if parameter.value is None:
        return None
    if spec is not None and spec.type == specs.COUNT:
        return int(parameter.value)
    if spec is not None and spec.type == specs.AMOUNT:
        return round_fen(parameter.value)
    return parameter.value.normalize()


def _put(target: dict, spec, parameter: PolicyParameter):
    value = _typed(spec, parameter)
    if value is None:
        return
    if parameter.qualifier:
        qualifier = parameter.qualifier
        if spec is not None and spec.table in specs.INTEGER_TABLES:
            qualifier = int(qualifier)
        target.setdefault(parameter.key, {})[qualifier] = value
    else:
        target[parameter.key] = value


def policy_snapshot(*, version: PolicyVersion, overrides=None) -> Policy:
    """A frozen copy of the version's numbers for the engine (two queries). `overrides`: see parse_override."""
    tracks = list(PolicyTrack.objects.filter(version=version))
    by_id = {track.pk: track for track in tracks}
    version_params: dict = {}
    track_params: dict[int, dict] = {track.pk: {} for track in tracks}
    for parameter in PolicyParameter.objects.filter(version=version):
        if parameter.track_id is None:
            _put(version_params, specs.VERSION_SPEC_BY_KEY.get(parameter.key), parameter)
        else:
            kind = by_id[parameter.track_id].kind
            _put(track_params[parameter.track_id], specs.track_spec(kind, parameter.key), parameter)
    engine_tracks = {
        track.code: Track(
            code=track.code,
            kind=track.kind,
            name=track.name,
            params=track_params[track.pk],
            industries=tuple(track.industry_list),
            scale=track.scale,
        )
        for track in tracks
    }
    policy = Policy(program=version.program.slug, code=version.code, tracks=engine_tracks, params=version_params)
    for override in overrides or ():
        policy = apply_override(policy, *override)
    return policy


def parse_override(text: str, *, track_kind: str):
    """`key=value` or `key[qualifier]=value` → (key, qualifier, typed value, scope) or PortalError."""
    if "=" not in text:
        message = _("Write “%(text)s” as key=value") % {"text": text}
        raise PortalError(f"set: {message}", fields={"set": [text]})
    name, raw = (part.strip() for part in text.split("=", 1))
    qualifier = ""
    if name.endswith("]") and "[" in name:
        name, qualifier = name[:-1].split("[", 1)
    elif "." in name:
        name, qualifier = name.split(".", 1)
    spec = specs.track_spec(track_kind, name)
    scope = "track"
    if spec is None:
        spec = specs.VERSION_SPEC_BY_KEY.get(name)
        scope = "version"
    if spec is None:
        raise PortalError(f"set: {unknown_parameter(name)}", fields={"set": [name]})
    if bool(spec.table) != bool(qualifier):
        what = f"{name}[…]" if spec.table else name
        message = _("Write the parameter “%(key)s” as %(form)s=value") % {"key": name, "form": what}
        raise PortalError(f"set: {message}", fields={"set": [name]})
    return name, _qualifier(spec, qualifier), parse_value(spec, raw, field="set"), scope


def parse_value(spec, raw: str, *, field: str):
    try:
        if spec.type == specs.DATE:
            return date.fromisoformat(raw)
        value = Decimal(raw)
        if not value.is_finite():
            raise InvalidOperation
    except (ValueError, InvalidOperation):
        message = _("“%(value)s” is not a valid %(type)s") % {"value": raw, "type": TYPE_LABELS[spec.type]}
        raise PortalError(f"{field}: {message}", fields={field: [raw]}) from None
    problem = value_problem(spec, value)
    if problem:
        raise PortalError(f"{field}: {problem}", fields={field: [raw]})
    return int(value) if spec.type == specs.COUNT else value


def value_problem(spec, value) -> str:
    """Why `value` is not acceptable for `spec`, or ""."""
    figures = {"label": spec.label, "value": value}
    if spec.type == specs.RATE and not (Decimal(0) <= value <= Decimal(1)):
        return _("%(label)s is between 0 and 1 (0.40 is 40%%); it is %(value)s") % figures
    if spec.type in (specs.AMOUNT, specs.COUNT) and value < 0:
        return _("%(label)s cannot be below 0; it is %(value)s") % figures
    if spec.type == specs.COUNT and value != int(value):
        return _("%(label)s is a whole number; it is %(value)s") % figures
    return ""


def unknown_parameter(key: str) -> str:
    return _("Unknown policy parameter “%(key)s”") % {"key": key}


TYPE_LABELS = {
    specs.RATE: pgettext_lazy("policy parameter type", "rate"),
    specs.AMOUNT: pgettext_lazy("policy parameter type", "amount"),
    specs.DATE: pgettext_lazy("policy parameter type", "date (YYYY-MM-DD)"),
    specs.COUNT: pgettext_lazy("policy parameter type", "whole number"),
}


def _qualifier(spec, qualifier):
    return int(qualifier) if qualifier and spec.table in specs.INTEGER_TABLES and qualifier.isdigit() else qualifier


def apply_override(policy: Policy, key, qualifier, value, scope) -> Policy:
    def merged(params):
        params = dict(params)
        if qualifier != "":
            params[key] = {**params.get(key, {}), qualifier: value}
        else:
            params[key] = value
        return params

    if scope == "version":
        return Policy(policy.program, policy.code, policy.tracks, merged(policy.params))
    tracks = {
        code: Track(track.code, track.kind, track.name, merged(track.params), track.industries, track.scale)
        if specs.track_spec(track.kind, key)
        else track
        for code, track in policy.tracks.items()
    }
    return Policy(policy.program, policy.code, tracks, policy.params)


@dataclass
class ParamRow:
    key: str
    label: str
    type: str
    qualifier: str
    qualifier_label: str
    value: object  # Decimal, date, int or None when not configured
    required: bool
    help: str = ""

    @property
    def configured(self) -> bool:
        return self.value is not None


@dataclass
class TrackView:
    track: object
    rows: list


def policy_version_rows(*, version: PolicyVersion, industry_names: dict[str, str]) -> tuple[list, list]:
    """(version-wide rows, [TrackView]) in the schema's order, with every table cell and every missing
    parameter ("not configured") shown."""
    tracks = list(version.tracks.all())
    stored: dict = {}
    for row in version.parameters.all():
        stored[(row.track_id, row.key, row.qualifier)] = row.date_value if row.date_value else row.value

    def rows_for(track_id, spec_list):
        rows = []
        for spec in spec_list:
            cells = sorted(
                ((q, v) for (t, k, q), v in stored.items() if t == track_id and k == spec.key),
                key=lambda cell: (len(cell[0]), cell[0]),
            )
            if not cells:
                rows.append(ParamRow(spec.key, spec.label, spec.type, "", "", None, spec.required, spec.help))
            for qualifier, value in cells:
                rows.append(
                    ParamRow(
                        spec.key,
                        spec.label,
                        spec.type,
                        qualifier,
                        _qualifier_label(spec.table, qualifier, industry_names),
                        value,
                        spec.required,
                        spec.help,
                    )
                )
        return rows

    version_rows = rows_for(None, specs.VERSION_SPECS)
    track_views = [TrackView(track, rows_for(track.pk, specs.track_specs(track.kind))) for track in tracks]
    return version_rows, track_views


def _qualifier_label(table, qualifier, industry_names):
    if not qualifier:
        return ""
    if table == "industry":
        return industry_names.get(qualifier, qualifier)
    if table == "batch":
        return _("batch %(number)s") % {"number": qualifier}
    if table == "level":
        return _("level %(number)s") % {"number": qualifier}
    if table == "year":
        return _("year %(number)s") % {"number": qualifier}
    return AWARD_LABELS.get(qualifier, qualifier)


AWARD_LABELS = {
    "sample": gettext_lazy("Sample enterprise award"),
    "standard-reached": gettext_lazy("Enterprise reaching the digital transformation standard"),
    "excellent-sample": gettext_lazy("Excellent model enterprise of digital transformation"),
    "chain-case": gettext_lazy("Excellent typical case of “chain” digital transformation"),
    "new-tech": gettext_lazy("Excellent enterprise in applying new technology"),
    "acceptance": gettext_lazy("Award for passing acceptance"),
}


@dataclass
class ParameterChange:
    when: object
    who: str
    where: str
    before: object
    after: object
    reason: str


def policy_parameter_changes(*, version: PolicyVersion, limit: int = 50) -> list[ParameterChange]:
    """Who changed which parameter of the version, when, from what to what (newest first; one query)."""
    history = PolicyParameter.history.filter(version_id=version.pk).select_related("history_user")
    tracks = dict(PolicyTrack.objects.filter(version=version).values_list("pk", "code"))
    last: dict = {}
    changes = []
    for record in history.order_by("history_date", "history_id"):
        cell = (record.track_id, record.key, record.qualifier)
        value = record.date_value or record.value
        where = ".".join(part for part in (tracks.get(record.track_id, ""), record.key) if part)
        changes.append(
            ParameterChange(
                when=record.history_date,
                who=str(record.history_user or "—"),
                where=f"{where}[{record.qualifier}]" if record.qualifier else where,
                before=last.get(cell),
                after=value,
                reason=record.history_change_reason or "",
            )
        )
        last[cell] = value
    return changes[::-1][:limit]
