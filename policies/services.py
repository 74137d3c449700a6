"""Writes to policy versions: seeding, editing a draft, validating, activating, drafting from another version."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from policies import specs
from policies.engine import KINDS
from policies.models import PolicyParameter, PolicyTrack, PolicyVersion, VersionStatus
from policies.selectors import parse_value, unknown_parameter, value_problem
from portal.core.errors import Conflict, PortalError
from portal.core.roles import Capability
from portal.core.services import record_save
from programs.access import ProgramAccess

SEED_FILE = Path(__file__).resolve().parent / "seed_data" / "policy_versions.json"


@dataclass(frozen=True)
class Issue:
    where: str
    message: str

    def __str__(self):
        return _("%(where)s: %(message)s") % {"where": self.where, "message": self.message}


def policy_version_validate(*, version: PolicyVersion) -> list[Issue]:
    """Every problem that keeps the version from being activated: bad values, missing required parameters,
    overlapping tiers, unknown keys. An empty list means the version can be activated."""
    issues = []
    tracks = list(version.tracks.all())
    rows = list(version.parameters.select_related("track"))
    if not tracks:
        issues.append(Issue(version.code, _("A version needs at least one track")))
    for row in rows:
        kind = next((t.kind for t in tracks if t.pk == row.track_id), None)
        spec = specs.track_spec(kind, row.key) if row.track_id else specs.VERSION_SPEC_BY_KEY.get(row.key)
        where = f"{row.track.code if row.track_id else version.code}.{row}"
        if spec is None:
            issues.append(Issue(where, _("Unknown parameter")))
            continue
        if bool(spec.table) != bool(row.qualifier):
            issues.append(
                Issue(where, _("A table parameter needs a qualifier (an industry, a batch…); a plain one takes none"))
            )
        if spec.type == specs.DATE:
            if row.date_value is None:
                issues.append(Issue(where, _("%(label)s has no date") % {"label": spec.label}))
        elif row.value is None:
            issues.append(Issue(where, _("%(label)s has no value") % {"label": spec.label}))
        elif problem := value_problem(spec, row.value):
            issues.append(Issue(where, problem))
    present = {(row.track_id, row.key) for row in rows}
    for track in tracks:
        if track.kind not in KINDS:
            issues.append(Issue(track.code, _("Unknown rule kind “%(kind)s”") % {"kind": track.kind}))
            continue
        for spec in specs.TRACK_SPECS[track.kind]:
            if spec.required and (track.pk, spec.key) not in present:
                issues.append(Issue(f"{track.code}.{spec.key}", _missing(spec)))
        for key in specs.KIND_NEEDS.get(track.kind, ()):
            if (None, key) not in present:
                issues.append(Issue(f"{version.code}.{key}", _missing(specs.VERSION_SPEC_BY_KEY[key])))
        issues.extend(_tier_issues(track, rows))
    return issues


def _missing(spec) -> str:
    return _("A required parameter is missing: %(label)s") % {"label": spec.label}


def _tier_issues(track, rows) -> list[Issue]:
    values = {row.key: row.value for row in rows if row.track_id == track.pk and not row.qualifier}
    floor, ceiling = values.get("floor"), values.get("ceiling")
    if floor is not None and ceiling is not None and floor > ceiling:
        message = _(
            "The investment range overlaps or is reversed: the floor %(floor)s is above the ceiling %(ceiling)s"
        )
        return [
            Issue(
                f"{track.code}.floor",
                message % {"floor": f"{floor.normalize():f}", "ceiling": f"{ceiling.normalize():f}"},
            )
        ]
    return []


def policy_versions_load(*, program, acting_user=None, source: str = "") -> int:
    """Create the program's seeded policy versions that do not exist yet (by code). Returns how many.

    With `source`, the versions seeded for that program are copied, their codes prefixed with this program's slug.
    """
    created = 0
    for data in json.loads(SEED_FILE.read_text(encoding="utf-8")).get(source or program.slug, []):
        if source:
            data = {**data, "code": f"{program.slug}-{data['code']}"}
        if PolicyVersion.objects.filter(code=data["code"]).exists():
            continue
        with transaction.atomic():
            _load_version(program, data, acting_user)
        created += 1
    return created


def _load_version(program, data, acting_user):
    version = PolicyVersion(
        program=program,
        code=data["code"],
        name=data["name"],
        source=data.get("source", ""),
        status=data["status"],
        effective_from=date.fromisoformat(data["effective_from"]) if data.get("effective_from") else None,
        activated_at=timezone.now() if data["status"] == VersionStatus.ACTIVE else None,
    )
    record_save(version, acting_user=acting_user, reason="reference data")
    _save_params(version, None, data.get("params", {}), specs.VERSION_SPEC_BY_KEY.get, acting_user)
    for order, item in enumerate(data["tracks"], start=1):
        track = PolicyTrack(
            version=version,
            code=item["code"],
            kind=item["kind"],
            name=item["name"],
            name_en=item.get("name_en", ""),
            implementation_months=item.get("months"),
            industry_codes=",".join(item.get("industries", [])),
            scale=item.get("scale", ""),
            sort_order=order,
        )
        record_save(track, acting_user=acting_user, reason="reference data")
        _save_params(
            version, track, item.get("params", {}), lambda key, k=track.kind: specs.track_spec(k, key), acting_user
        )


def _save_params(version, track, params, spec_of, acting_user):
    for key, value in params.items():
        spec = spec_of(key)
        if spec is None:
            raise PortalError(f"unknown parameter {key} in the seed of {version.code}")
        cells = value.items() if isinstance(value, dict) else [("", value)]
        for qualifier, raw in cells:
            _store(version, track, spec, key, qualifier, raw, acting_user)


def _store(version, track, spec, key, qualifier, raw, acting_user, reason="reference data"):
    typed = parse_value(spec, str(raw), field=key)
    row = PolicyParameter.objects.filter(version=version, track=track, key=key, qualifier=str(qualifier)).first()
    row = row or PolicyParameter(version=version, track=track, key=key, qualifier=str(qualifier))
    if spec.type == specs.DATE:
        row.date_value, row.value = typed, None
    else:
        row.value, row.date_value = Decimal(typed), None
    return record_save(row, acting_user=acting_user, reason=reason)


def policy_parameter_set(
    *,
    access: ProgramAccess,
    version: PolicyVersion,
    track: PolicyTrack | None,
    key: str,
    qualifier: str,
    raw_value: str,
    reason: str = "",
) -> PolicyParameter:
    """Set one parameter of a draft version (an active or retired version never changes)."""
    access.require(Capability.CONFIGURE)
    _own_draft(access, version)
    spec = specs.track_spec(track.kind, key) if track else specs.VERSION_SPEC_BY_KEY.get(key)
    if spec is None:
        raise PortalError(unknown_parameter(key), fields={"key": [key]})
    if bool(spec.table) != bool(qualifier):
        message = _("The qualifier of the parameter “%(label)s” is wrong") % {"label": spec.label}
        raise PortalError(message, fields={"qualifier": [qualifier]})
    reason = reason or pgettext("policy version history", "Draft edited")
    with transaction.atomic():
        return _store(version, track, spec, key, qualifier, raw_value, access.user, reason)


def policy_version_activate(*, access: ProgramAccess, version: PolicyVersion, effective_from: date) -> PolicyVersion:
    """Make a valid draft the program's active version from `effective_from`; the previous one is retired.
    Filings already approved keep the version they were approved under; those approved from now on take this one."""
    access.require(Capability.CONFIGURE)
    if version.program_id != access.program.pk:
        raise PortalError(_("This policy version is not one of the program's."), fields={"version": [version.code]})
    if version.status == VersionStatus.ACTIVE:
        raise Conflict(_("“%(code)s” is already the active version.") % {"code": version.code})
    if version.status == VersionStatus.RETIRED:
        raise Conflict(
            _("“%(code)s” is retired: copy it to a new draft and activate the draft.") % {"code": version.code}
        )
    with transaction.atomic():
        locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        _own_draft(access, locked)
        issues = policy_version_validate(version=locked)
        if issues:
            separator = pgettext("sentence separator", "; ")
            raise PortalError(
                separator.join(str(issue) for issue in issues[:5]), fields={"__all__": [str(i) for i in issues]}
            )
        for previous in PolicyVersion.objects.select_for_update().filter(
            program=locked.program, status=VersionStatus.ACTIVE
        ):
            previous.status = VersionStatus.RETIRED
            reason = pgettext("policy version history", "Replaced by %(code)s") % {"code": locked.code}
            record_save(previous, acting_user=access.user, reason=reason)
        locked.status = VersionStatus.ACTIVE
        locked.effective_from = effective_from
        locked.activated_at = timezone.now()
        locked.activated_by = access.user
        return record_save(locked, acting_user=access.user, reason=pgettext("policy version history", "Activated"))


def policy_version_draft_from(*, access: ProgramAccess, version: PolicyVersion, code: str, name: str) -> PolicyVersion:
    """A new draft holding a copy of every track and parameter of `version`."""
    access.require(Capability.CONFIGURE)
    if version.program_id != access.program.pk:
        raise PortalError(_not_the_programs())
    copied = pgettext("policy version history", "Copied from %(code)s") % {"code": version.code}
    with transaction.atomic():
        draft = record_save(
            PolicyVersion(program=version.program, code=code, name=name, source=version.source),
            acting_user=access.user,
            reason=copied,
        )
        track_map = {}
        for track in version.tracks.all():
            old_pk = track.pk
            track.pk = None
            track.id = None
            track.version = draft
            track_map[old_pk] = record_save(track, acting_user=access.user, reason=copied)
        for row in version.parameters.all():
            row.pk = None
            row.id = None
            row.version = draft
            row.track = track_map.get(row.track_id)
            record_save(row, acting_user=access.user, reason=copied)
    return draft


def _not_the_programs() -> str:
    return _("The policy version is not one of this program's")


def _own_draft(access, version):
    if version.program_id != access.program.pk:
        raise PortalError(_not_the_programs())
    if version.status != VersionStatus.DRAFT:
        raise Conflict(_("Only a draft version can be changed or activated; copy it to a new draft first"))
