"""The gates a filing passes before it is submitted and before it is approved.

Each refusal names its field; every number and switch is program or policy data (batch windows, the program's
dates, the track's parameters `open_projects_max`, `pilots_only`, `pilots_excluded`,
`after_industry_pilot_accepted`, the version's `contract_budget_tolerance`). Submission gathers every refusal
at once, so the enterprise mends them in one go.
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.pilot_gates import track_pilot_refusal
from filings.models import CONTRACT_FIELDS, Application, AttachmentKind, ProviderResponse, Status
from policies.selectors import policy_snapshot
from programs.models import ModuleKind
from programs.selectors import open_batch
from providers.selectors import pickable_providers

# A project is open from submission until it is decided against, withdrawn, or its implementation is complete.
OPEN = Q(status__in=(Status.SUBMITTED, Status.RETURNED, Status.RESUBMITTED)) | Q(
    status=Status.APPROVED, completed_at__isnull=True
)


class Refusals(dict):
    """{field: [messages]}, in the order found."""

    def add(self, field: str, message):
        self.setdefault(field, []).append(str(message))


def submission_refusals(application: Application, *, version, today) -> Refusals:
    """Why `application` (locked by the caller) cannot be submitted on `today` under policy `version`; empty when
    it can. The policy engine's own verdict on the estimate is checked apart (`filings.services`)."""
    refusals = Refusals()
    program = application.program
    if open_batch(program, today) is None:
        refusals.add(
            "batch",
            _("No filing window of the program is open on %(date)s; filings are taken inside a batch's window.")
            % {"date": today.isoformat()},
        )
    policy = policy_snapshot(version=version)
    _check_provider(application, refusals)
    _check_contract(application, policy.params.get("contract_budget_tolerance"), refusals)
    _check_lines(application, refusals)
    track = policy.tracks.get(application.track)
    if track is not None:
        if track.kind == "level_year" and application.target_level is None:
            refusals.add("target_level", _("State the digital level (2–4) the project commits to reach."))
        _check_open_projects(application, track.params, refusals)
        refusal = track_pilot_refusal(program=program, enterprise=application.enterprise, track_params=track.params)
        if refusal:
            refusals.add(*refusal)
    return refusals


def _check_provider(application, refusals):
    if application.provider_id is None:
        refusals.add("provider", _("Choose the service provider (lead contractor) that will carry out the project."))
        return
    pickable = pickable_providers(program=application.program, industry=application.enterprise.industry)
    if not pickable.filter(pk=application.provider_id).exists():
        refusals.add("provider", _("Pick one of the providers selected for your industry."))


def _check_contract(application, tolerance, refusals):
    labels = {
        field.name: field.verbose_name for field in Application._meta.get_fields() if field.name in CONTRACT_FIELDS
    }
    for name in CONTRACT_FIELDS:
        value = getattr(application, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            refusals.add(
                name, _("Fill in “%(field)s”: the province's contract template asks for it.") % {"field": labels[name]}
            )
    if not application.attachments.filter(kind=AttachmentKind.CONTRACT, is_active=True).exists():
        refusals.add("attachments", _("Attach the signed contract (kind: contract)."))
    budget = application.contract_budget
    if budget is None:
        return
    total = sum((line.amount for line in application.lines.filter(is_active=True)), Decimal("0.00"))
    if abs(budget - total) > (tolerance or Decimal("0.00")):
        refusals.add(
            "contract_budget",
            _("The contract budget %(budget)s yuan differs from the filed items' total %(total)s yuan.")
            % {"budget": f"{budget:,.2f}", "total": f"{total:,.2f}"},
        )


def _check_lines(application, refusals):
    lines = list(application.lines.filter(is_active=True).select_related("module"))
    if not lines:
        refusals.add("lines", _("Add at least one N or X item before submitting."))
        return
    counts = Counter(line.module_id for line in lines if line.module_id)
    for line in lines:
        module = line.module
        if module is None:
            continue
        if module.kind in (ModuleKind.N, ModuleKind.X) and line.part != module.kind:
            refusals.add(
                "lines",
                _("“%(module)s” belongs to part %(kind)s of the catalogue; file it there.")
                % {"module": module.display_name, "kind": module.kind},
            )
        if module.investment_category and line.category != module.investment_category:
            refusals.add(
                "lines",
                _("“%(module)s” is %(category)s investment in the catalogue; file it as such.")
                % {"module": module.display_name, "category": module.get_investment_category_display()},
            )
    for module_id, count in counts.items():
        if count > 1:
            module = next(line.module for line in lines if line.module_id == module_id)
            refusals.add(
                "lines",
                _("“%(module)s” is filed %(count)d times; file each catalogue module once.")
                % {"module": module.display_name, "count": count},
            )


def _check_open_projects(application, params, refusals):
    limit = params.get("open_projects_max")
    limit = 1 if limit is None else int(limit)
    others = (
        Application.objects.filter(
            program=application.program,
            enterprise=application.enterprise,
            track=application.track,
        )
        .filter(OPEN)
        .exclude(pk=application.pk)
        .count()
    )
    if others >= limit:
        refusals.add(
            "track",
            _(
                "Your enterprise already has %(count)d open project(s) on this track, the policy's limit of "
                "%(limit)d; withdraw or finish one first."
            )
            % {"count": others, "limit": limit},
        )


def approval_refusals(application: Application, *, comment: str, today) -> Refusals:
    """Why `application` cannot be approved on `today`: the provider has not accepted the project (two-way
    selection), or the program has ended and no reason is recorded (the caller lets only a bureau admin approve
    then: `approval_is_late`)."""
    refusals = Refusals()
    if application.provider_response != ProviderResponse.ACCEPTED:
        refusals.add(
            "provider",
            _("The service provider has not accepted this project yet (two-way selection).")
            if application.provider_response == ProviderResponse.PENDING
            else _("The service provider declined this project; return it so the enterprise picks another."),
        )
    if approval_is_late(application.program, today) and not comment:
        refusals.add(
            "comment",
            _("The program ended on %(date)s: give the reason for approving after its end.")
            % {"date": application.program.ends_on.isoformat()},
        )
    return refusals


def approval_is_late(program, today) -> bool:
    """After the program's end only a bureau admin approves, with a recorded reason."""
    return program.ends_on is not None and today > program.ends_on
