"""Writes to filings: create and revise a draft, and every workflow transition (one place, one lock)."""

import calendar
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filings.gates import approval_is_late, approval_refusals, submission_refusals
from filings.models import (
    Application,
    ApplicationLine,
    Attachment,
    AttachmentKind,
    FilingSequence,
    ProviderResponse,
    Subcontract,
    Transition,
)
from filings.selectors import application_estimate, priced_version
from filings.signals import application_approved
from filings.workflow import ACTIONS, EDITABLE, OPEN_FOR_REVIEW
from policies.selectors import policy_version_for_quote
from portal.core.errors import Conflict, NotAllowed, PortalError
from portal.core.files import stored_file_save
from portal.core.money import parse_amount
from portal.core.roles import Capability, Role
from portal.core.services import record_save
from portal.core.tasks import queue_after_commit
from portal.core.uploads import check_upload
from programs.access import ProgramAccess
from programs.selectors import current_batch
from providers.models import PoolMembership, PoolStatus
from providers.selectors import pickable_providers


def _own_profile(access: ProgramAccess):
    access.require(Capability.FILE)
    profile = access.program.enterprises.filter(organisation_id=access.user.organisation_id, is_active=True).first()
    if profile is None:
        raise NotAllowed(_("Your organisation has no enterprise profile in this program yet."))
    return profile


def _check_fields(access, fields, industry):
    version = policy_version_for_quote(program=access.program)
    tracks = set(version.tracks.values_list("code", flat=True))
    if fields.get("track") not in tracks:
        raise PortalError(_("Choose one of the program's tracks."), fields={"track": [_("Invalid.")]})
    level = fields.get("target_level")
    if level is not None and not 1 <= level <= 4:
        message = _("Choose a digital level from 1 to 4.")
        raise PortalError(message, fields={"target_level": [message]})
    provider = fields.get("provider")
    if (
        provider is not None
        and not pickable_providers(program=access.program, industry=industry).filter(pk=provider.pk).exists()
    ):
        raise PortalError(
            _("Pick one of the providers selected for your industry."), fields={"provider": [_("Invalid.")]}
        )


def _check_line_count(lines):
    """A filing holds at most FILING_MAX_LINES items (a setting): a larger one is refused before anything is
    written, so a request never does unbounded work."""
    limit = settings.FILING_MAX_LINES
    if len(lines) > limit:
        message = _("A filing holds at most %(limit)d items; this one has %(count)d. Group them by scenario.") % {
            "limit": limit,
            "count": len(lines),
        }
        raise PortalError(message, fields={"lines": [message]})


def _replace_lines(application, lines, actor):
    for line in application.lines.filter(is_active=True):
        line.is_active = False
        record_save(line, acting_user=actor, reason=_("Replaced by a revision"))
    for item in lines:
        module = item.get("module")
        if module is not None and module.program_id != application.program_id:
            raise PortalError(_("The scenario module is not in this program's catalogue."))
        record_save(ApplicationLine(application=application, **item), acting_user=actor, reason=_("Filed"))


def _parse_share(value, field: str, *, allow_zero: bool) -> Decimal:
    """A share of the work in percent: 0 (lead only, when allowed) or above, at most 100, two decimals."""
    message = _("Enter a percentage from 0 to 100, with at most two decimals.")
    try:
        share = Decimal(str(value).replace("%", "").strip())
        if not share.is_finite():
            raise ValueError
    except (ValueError, ArithmeticError, InvalidOperation):
        raise PortalError(message, fields={field: [message]}) from None
    if share != share.quantize(Decimal("0.01")) or share > 100 or share < 0 or (share == 0 and not allow_zero):
        raise PortalError(message, fields={field: [message]})
    return share.quantize(Decimal("0.01"))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _checked_contractors(*, program, provider, budget, lead_share, lead_amount, items):
    """The subcontracts as they will be saved, with the lead contractor's part, checked together (seed 001 §9):
    each subcontractor a provider of the program's pool (not removed, not the lead, named once), and the lead's
    share plus the subcontractors' shares add up to 100 % of the work and to the contract budget.

    Returns (lead_share, lead_amount, rows); `rows` are dicts of membership, scope, work_share, amount. Raises one
    PortalError carrying every field error: keys `provider`, `contract_budget`, `lead_work_share`, `lead_amount`
    and `subcontracts.<index>.<field>` (index in `items`)."""
    if not items:
        return None, None, []
    errors: dict[str, list] = {}
    if provider is None:
        _field_error(errors, "provider", _("Name the lead contractor before its subcontractors."))
    if _blank(budget):
        _field_error(errors, "contract_budget", _("Give the contract budget: the parts of the work add up to it."))
        budget = None
    else:
        budget = _parsed(errors, parse_amount, budget, "contract_budget")
    lead_share = (
        _field_error(errors, "lead_work_share", _("Give the lead contractor's own share of the work."))
        if _blank(lead_share)
        else _parsed(errors, _parse_share, lead_share, "lead_work_share", allow_zero=True)
    )
    lead_amount = (
        _field_error(errors, "lead_amount", _("Give the lead contractor's own share of the contract amount."))
        if _blank(lead_amount)
        else _parsed(errors, parse_amount, lead_amount, "lead_amount", allow_zero=True)
    )
    rows = _subcontract_rows(errors, program=program, provider=provider, items=items)
    shares = [lead_share, *(row["work_share"] for row in rows)]
    if all(share is not None for share in shares) and sum(shares) != Decimal("100.00"):
        _field_error(
            errors,
            "lead_work_share",
            _("The shares of the work add up to %(total)s %%, not 100 %%.") % {"total": f"{sum(shares):.2f}"},
        )
    amounts = [lead_amount, *(row["amount"] for row in rows)]
    if budget is not None and all(amount is not None for amount in amounts) and sum(amounts) != budget:
        _field_error(
            errors,
            "lead_amount",
            _("The parts of the contract add up to %(total)s yuan, not the contract budget of %(budget)s yuan.")
            % {"total": f"{sum(amounts):,.2f}", "budget": f"{budget:,.2f}"},
        )
    if errors:
        raise PortalError("；".join(str(m) for messages in errors.values() for m in messages), fields=errors)
    return lead_share, lead_amount, rows


def _field_error(errors, key, message):
    errors.setdefault(key, []).append(message)


def _parsed(errors, parse, value, key, **options):
    """`parse(value, key, **options)`, or None with its field errors added to `errors`."""
    try:
        return parse(value, key, **options)
    except PortalError as error:
        for name, messages in error.fields.items():
            for message in messages:
                _field_error(errors, name, message)
        return None


def _subcontract_rows(errors, *, program, provider, items) -> list[dict]:
    """Each item of `items` as a row to save, its membership looked up in the program's pool (None when it is
    not there); what is wrong with it goes into `errors` under `subcontracts.<index>.<field>`."""
    ids = {item.get("membership").pk for item in items if item.get("membership") is not None}
    pool = {
        membership.pk: membership
        for membership in PoolMembership.objects.filter(program=program, pk__in=ids).exclude(status=PoolStatus.REMOVED)
    }
    rows, seen = [], set()
    for index, item in enumerate(items):
        key = f"subcontracts.{index}"
        membership = item.get("membership")
        if membership is None:
            _field_error(errors, f"{key}.membership", _("Choose the subcontractor."))
        elif membership.pk not in pool:
            _field_error(
                errors, f"{key}.membership", _("The subcontractor must be a provider of this program's resource pool.")
            )
        elif provider is not None and membership.pk == provider.pk:
            _field_error(errors, f"{key}.membership", _("The lead contractor cannot also be its own subcontractor."))
        elif membership.pk in seen:
            _field_error(
                errors, f"{key}.membership", _("Name each subcontractor once; describe all its work in one part.")
            )
        else:
            seen.add(membership.pk)
        scope = (item.get("scope") or "").strip()
        if not scope:
            _field_error(errors, f"{key}.scope", _("Describe the subcontractor's part of the work."))
        elif len(scope) > 200:
            _field_error(errors, f"{key}.scope", _("At most 200 characters."))
        share = _parsed(errors, _parse_share, item.get("work_share"), f"{key}.work_share", allow_zero=False)
        amount = _parsed(errors, parse_amount, item.get("amount"), f"{key}.amount")
        rows.append(
            {
                "membership": pool.get(getattr(membership, "pk", None)),
                "scope": scope,
                "work_share": share,
                "amount": amount,
            }
        )
    return rows


def _replace_subcontracts(application, rows, actor):
    """Take the filing's subcontracts off (kept for the record) and file `rows` in their place."""
    for subcontract in application.subcontracts.filter(is_active=True):
        subcontract.is_active = False
        record_save(subcontract, acting_user=actor, reason=_("Replaced by a revision"))
    for row in rows:
        record_save(Subcontract(application=application, **row), acting_user=actor, reason=_("Filed"))


def _current_subcontracts(application) -> list[dict]:
    return [
        {"membership": row.membership, "scope": row.scope, "work_share": row.work_share, "amount": row.amount}
        for row in application.subcontracts.filter(is_active=True).select_related("membership")
    ]


def _contractors(access, application, fields, subcontracts):
    """Check the contractors of the filing as it will stand; puts the lead's parsed share into `fields`.
    `subcontracts` None keeps the current ones (and the lead's share unless `fields` gives it)."""
    given = subcontracts is not None
    items = list(subcontracts) if given else (_current_subcontracts(application) if application else [])

    def value(name):
        if name in fields:
            return fields[name]
        return getattr(application, name, None) if application else None

    lead_share, lead_amount, rows = _checked_contractors(
        program=access.program,
        provider=value("provider"),
        budget=value("contract_budget"),
        lead_share=value("lead_work_share"),
        lead_amount=value("lead_amount"),
        items=items,
    )
    fields["lead_work_share"], fields["lead_amount"] = lead_share, lead_amount
    return rows if given or application is None else None


def application_create(
    *, access: ProgramAccess, fields: dict, lines: list[dict], subcontracts: list[dict] | None = None
) -> Application:
    """A new draft filing of the caller's own enterprise. `lines`: dicts of module, part, category,
    description, amount. `subcontracts`: dicts of membership, scope, work_share, amount; with any, `fields`
    gives the lead contractor's `lead_work_share` and `lead_amount`, and the shares add up (see
    `_checked_contractors`)."""
    profile = _own_profile(access)
    fields = dict(fields)
    _check_fields(access, fields, profile.industry)
    _check_line_count(lines)
    rows = _contractors(access, None, fields, subcontracts or [])
    with transaction.atomic():
        application = record_save(
            Application(program=access.program, enterprise=profile, created_by=access.user, **fields),
            acting_user=access.user,
            reason=_("Draft created"),
        )
        _replace_lines(application, lines, access.user)
        _replace_subcontracts(application, rows, access.user)
    return application


def application_update(
    *,
    access: ProgramAccess,
    application: Application,
    fields: dict,
    lines: list[dict],
    subcontracts: list[dict] | None = None,
):
    """Revise a draft or a returned filing of the caller's own enterprise. `subcontracts` None keeps the current
    subcontracts; a list replaces them (the old rows stay, inactive). The shares must add up either way."""
    profile = _own_profile(access)
    fields = dict(fields)
    _check_fields(access, fields, profile.industry)
    _check_line_count(lines)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.enterprise_id != profile.pk:
            raise NotAllowed(_("Only the enterprise that filed it may change this filing."))
        if locked.status not in EDITABLE:
            raise Conflict(
                _("This filing is “%(status)s” and can no longer be changed.") % {"status": locked.get_status_display()}
            )
        rows = _contractors(access, locked, fields, subcontracts)
        if "provider" in fields and getattr(fields["provider"], "pk", None) != locked.provider_id:
            # A new provider answers for itself (two-way selection).
            fields.update(provider_response=ProviderResponse.PENDING, provider_responded_at=None)
            fields.update(provider_responded_by=None, provider_comment="")
        for name, value in fields.items():
            setattr(locked, name, value)
        record_save(locked, acting_user=access.user, reason=_("Revised"))
        _replace_lines(locked, lines, access.user)
        if rows is not None:
            _replace_subcontracts(locked, rows, access.user)
    return locked


def application_transition(
    *,
    access: ProgramAccess,
    application: Application,
    action: str,
    comment: str = "",
    expected_status: str | None = None,
) -> Application:
    """Take `action` on the filing. The row is locked: of two reviewers acting at once, the second is told
    what happened first. `expected_status`: the state the caller saw; a different current state is a Conflict."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise PortalError(_("Unknown action “%(action)s”.") % {"action": action})
    now = timezone.now()
    if action == "approve" and approval_is_late(access.program, timezone.localdate(now)):
        if Role.BUREAU_ADMIN not in access.roles:
            raise NotAllowed(
                _("The program ended on %(date)s: only a bureau admin may still approve, giving the reason.")
                % {"date": access.program.ends_on.isoformat()}
            )
    elif not spec.roles & access.roles:
        raise NotAllowed(_("Your roles in this program do not allow this."))
    comment = (comment or "").strip()
    if spec.needs_comment and not comment:
        raise PortalError(_("Give a comment: the enterprise reads it."), fields={"comment": [_("Required.")]})
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("program", "enterprise__industry")
            .get(pk=application.pk, program=access.program)
        )
        if Role.ENTERPRISE in spec.roles and locked.enterprise.organisation_id != access.user.organisation_id:
            raise NotAllowed(_("Only the enterprise that filed it may do this."))
        if (expected_status and locked.status != expected_status) or locked.status not in spec.sources:
            last = locked.transitions.select_related("actor").order_by("-created_at", "-id").first()
            who = f"{last.actor}（{timezone.localtime(last.created_at):%Y-%m-%d %H:%M}）" if last else ""
            raise Conflict(
                _("The filing is already “%(status)s”%(by)s; “%(action)s” is no longer possible.")
                % {"status": locked.get_status_display(), "by": f"，{who}" if who else "", "action": spec.label}
            )
        before = locked.status
        if action in ("submit", "resubmit"):
            _check_submittable(locked, now)
            locked.submitted_at = now
        if action == "approve":
            _refuse(approval_refusals(locked, comment=comment, today=timezone.localdate(now)))
        approved_on = _approve(locked, now) if action == "approve" else None
        if action in ("approve", "reject"):
            locked.decided_at = now
        locked.status = spec.target
        record_save(locked, acting_user=access.user, reason=comment or str(spec.label))
        if approved_on:
            application_approved.send(
                sender=Application, application=locked, approved_on=approved_on, acting_user=access.user
            )
        step = record_save(
            Transition(
                application=locked,
                action=action,
                from_status=before,
                to_status=spec.target,
                actor=access.user,
                comment=comment,
            ),
            acting_user=access.user,
            reason=str(spec.label),
        )
        queue_after_commit("notifications.tasks.filing_step_task", step.pk)
    return locked


def _check_submittable(application, now):
    """Every gate of submission (`filings.gates`) and the policy engine's verdict on the estimate, refused at once
    with every reason by field."""
    today = timezone.localdate(now)
    refusals = submission_refusals(application, version=priced_version(application), today=today)
    try:
        _version, result = application_estimate(application, on_date=today)
    except PortalError as error:
        for name, messages in (error.fields or {"estimate": [error.message]}).items():
            field = {"level": "target_level"}.get(name, name)  # the filing states the level it will reach
            if field not in refusals:
                for message in messages:
                    refusals.add(field, message)
    else:
        if not result.eligible:
            refusals.add(
                "estimate",
                _("The policy does not support this filing: %(reasons)s") % {"reasons": "；".join(result.reasons)},
            )
    _refuse(refusals)


def _refuse(refusals):
    if refusals:
        raise PortalError("；".join(m for messages in refusals.values() for m in messages), fields=dict(refusals))


def _approve(application, now):
    """Filing number, participation batch, policy version and implementation deadline, fixed at approval."""
    today = timezone.localdate(now)
    program = type(application.program).objects.select_for_update().get(pk=application.program_id)
    application.filing_number = _next_filing_number(program, today)
    application.batch = application.batch or current_batch(program, timezone.localdate(application.submitted_at or now))
    # The version the project is priced under from now on (runs read it; activating another leaves it).
    application.policy_version = application.policy_version or policy_version_for_quote(program=program)
    months = (
        application.policy_version.tracks.filter(code=application.track)
        .values_list("implementation_months", flat=True)
        .first()
    )
    application.implementation_deadline = _add_months(today, months) if months else None
    return today


def _next_filing_number(program, today) -> str:
    """`<SLUG>-<year>-<n>` from the program's sequence for the year (the caller holds the program's lock). A new
    year's sequence starts after the numbers of that year already given; a number already taken is skipped."""
    prefix = f"{program.slug.upper()}-{today:%Y}-"
    taken = Application.objects.filter(program=program, filing_number__startswith=prefix)
    sequence, created = FilingSequence.objects.select_for_update().get_or_create(program=program, year=today.year)
    if created:
        sequence.last_number = taken.count()
    while True:
        sequence.last_number += 1
        number = f"{prefix}{sequence.last_number:05d}"
        if not taken.filter(filing_number=number).exists():
            sequence.save(update_fields=["last_number"])
            return number


def _add_months(day, months):
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


PROVIDER_DECISIONS = {"accept": ProviderResponse.ACCEPTED, "decline": ProviderResponse.DECLINED}


def application_provider_respond(
    *, access: ProgramAccess, application: Application, decision: str, comment: str = ""
) -> Application:
    """The chosen provider accepts or declines a submitted project (two-way selection, seed 000 三(五)); the
    reviewer approves only an accepted one. It may change its answer while the filing is under review; a
    decline needs a reason the enterprise reads. Recorded as a step of the filing (who, when, why)."""
    if decision not in PROVIDER_DECISIONS:
        raise PortalError(_("Answer accept or decline."), fields={"decision": [_("Invalid.")]})
    comment = (comment or "").strip()
    if decision == "decline" and not comment:
        raise PortalError(
            _("Give the reason for declining: the enterprise reads it."), fields={"comment": [_("Required.")]}
        )
    if Role.PROVIDER not in access.roles:
        raise NotAllowed(_("Your roles in this program do not allow this."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk, program=access.program)
        if locked.provider is None or locked.provider.organisation_id != access.user.organisation_id:
            raise NotAllowed(_("Only the provider the enterprise chose may answer."))
        if locked.status not in OPEN_FOR_REVIEW:
            raise Conflict(
                _("The filing is “%(status)s”: the provider answers while it is under review.")
                % {"status": locked.get_status_display()}
            )
        locked.provider_response = PROVIDER_DECISIONS[decision]
        locked.provider_responded_at = timezone.now()
        locked.provider_responded_by = access.user
        locked.provider_comment = comment
        label = _("Provider accepted the project") if decision == "accept" else _("Provider declined the project")
        record_save(locked, acting_user=access.user, reason=comment or label)
        step = record_save(
            Transition(
                application=locked,
                action=f"provider_{decision}",
                from_status=locked.status,
                to_status=locked.status,
                actor=access.user,
                comment=comment,
            ),
            acting_user=access.user,
            reason=label,
        )
        queue_after_commit("notifications.tasks.filing_step_task", step.pk)
    return locked


def application_bulk_approve(*, access: ProgramAccess, applications) -> dict[int, str]:
    """Approve each filing on its own; returns {id: ""} for approved ones and {id: reason} for refused ones."""
    outcome = {}
    for application in applications:
        try:
            application_transition(access=access, application=application, action="approve")
            outcome[application.pk] = ""
        except PortalError as error:
            outcome[application.pk] = str(error.message)
    return outcome


def attachment_add(*, access: ProgramAccess, application: Application, kind: str, upload) -> Attachment:
    """Store a file of a draft or returned filing of the caller's enterprise. A refused or failed upload
    leaves nothing behind: no row, no file."""
    profile = _own_profile(access)
    if kind not in AttachmentKind.values:
        raise PortalError(_("Choose what the file is."), fields={"kind": [_("Invalid.")]})
    checked = check_upload(upload)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk, program=access.program)
        if locked.enterprise_id != profile.pk:
            raise NotAllowed(_("Only the enterprise that filed it may change this filing."))
        if locked.status not in EDITABLE:
            raise Conflict(
                _("This filing is “%(status)s” and can no longer be changed.") % {"status": locked.get_status_display()}
            )
        return stored_file_save(
            Attachment(application=locked, kind=kind),
            upload=upload,
            acting_user=access.user,
            reason=_("Uploaded"),
            checked=checked,
        )


def attachment_remove(*, access: ProgramAccess, attachment: Attachment, reason: str = "") -> Attachment:
    """Take a file off a draft or returned filing; the file and its row stay for the record."""
    profile = _own_profile(access)
    application = attachment.application
    if application.enterprise_id != profile.pk or application.program_id != access.program.pk:
        raise NotAllowed(_("Only the enterprise that filed it may change this filing."))
    if application.status not in EDITABLE:
        raise Conflict(
            _("This filing is “%(status)s” and can no longer be changed.")
            % {"status": application.get_status_display()}
        )
    attachment.is_active = False
    return record_save(
        attachment, acting_user=access.user, reason=reason or _("Removed"), update_fields=["is_active", "updated_at"]
    )
