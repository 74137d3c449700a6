"""Roles a user holds per program, and what each role may do there.

A role is held through an active `programs.RoleAssignment` (the grant with who and when; revoked, never deleted),
read through `programs.access.active_assignments`. The role services also write the django-guardian object
permission `programs.role_<role>` on the Program, so Django's `user.has_perm(..., program)` answers the same.
The matrix below is the one place that says which role may do what; views, the API and admin all ask it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau admin")
    BUREAU_REVIEWER = "bureau_reviewer", _("Bureau reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ENTERPRISE = "enterprise", _("Enterprise user")
    PROVIDER = "provider", _("Service provider user")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    EXPERT = "expert", _("Acceptance expert")
    FINANCIAL_AUDITOR = "financial_auditor", _("Financial auditor")
    AUDITOR = "auditor", _("Auditor")
    SUPERVISION_FIRM = "supervision_firm", _("Supervision firm")


def permission_codename(role: str) -> str:
    return f"role_{role}"


R = Role
STAFF_READERS = frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER, R.SUPERVISOR, R.AUDITOR})
# Roles that read and change nothing (domain.md): they download documents already made, and make only the ones
# the spec gives them (the auditor's Excel ledger).
READ_ONLY_ROLES = frozenset({R.SUPERVISOR, R.AUDITOR})
# Who makes Excel ledgers (domain.md: the auditor exports them; the supervisor reads roll-ups, it exports nothing).
LEDGER_EXPORTERS = frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER, R.AUDITOR})
EVERY_ROLE = frozenset(Role)


class Capability(models.TextChoices):
    VIEW_PROGRAM = "view_program", _("Open the program")
    VIEW_REFERENCE = "view_reference", _("Read industries, scenario catalogue and calendar")
    VIEW_ALL_ENTERPRISES = "view_all_enterprises", _("Read every enterprise of the program")
    VIEW_OWN_ENTERPRISE = "view_own_enterprise", _("Read one's own enterprise")
    VIEW_PROVIDERS = "view_providers", _("Read the providers of the program")
    VIEW_MEMBERS = "view_members", _("Read users and roles")
    VIEW_HISTORY = "view_history", _("Read change history")
    CONFIGURE = "configure", _("Configure the program")
    MANAGE_ROLES = "manage_roles", _("Grant and revoke roles")
    VIEW_ROLLUP = "view_rollup", _("Read roll-ups of sub-region programs")
    VIEW_POLICIES = "view_policies", _("Read policy versions")
    COMPARE_POLICIES = "compare_policies", _("Compare policy versions and what-ifs")
    QUOTE = "quote", _("Use the subsidy calculator")
    VIEW_ANNOUNCEMENT = "view_announcement", _("Read the public announcement of accepted projects")
    FILE = "file", _("File and revise one's own N+X projects")
    VIEW_FILINGS = "view_filings", _("Read filings")
    REVIEW = "review", _("Review filings")
    MANAGE_POOL = "manage_pool", _("Warn, remove and admit providers by decision")
    RUN_SELECTION = "run_selection", _("Run provider selection rounds")
    VIEW_SELECTION = "view_selection", _("Read provider selection rounds")
    SCORE_SELECTION = "score_selection", _("Score providers in assigned selection rounds")
    APPLY_SELECTION = "apply_selection", _("Keep one's provider profile and apply to selection rounds")
    POST_PROGRESS = "post_progress", _("Post implementation progress of one's projects")
    CONFIRM_PROGRESS = "confirm_progress", _("Confirm or dispute progress, rate and complain about a provider")
    MANAGE_IMPLEMENTATION = "manage_implementation", _("Adjust project milestones and decide complaints")
    VIEW_ACCEPTANCE = "view_acceptance", _("Read acceptance reviews")
    GENERATE_ACCEPTANCE_REPORT = "generate_acceptance_report", _("Generate the acceptance report (PDF) of a review")
    REQUEST_ACCEPTANCE = "request_acceptance", _("Request acceptance of one's completed project")
    COSIGN_ACCEPTANCE = "cosign_acceptance", _("Co-sign the acceptance request of a project one implemented")
    RUN_ACCEPTANCE = "run_acceptance", _("Assign panels, close acceptance reviews, run announcements")
    SCORE_ACCEPTANCE = "score_acceptance", _("Score assigned projects on the acceptance rubric")
    AUDIT_ACCEPTANCE = "audit_acceptance", _("Record audited investment and the audit conclusion")
    ASSESS_LEVEL = "assess_level", _("Record digital-level assessments")
    VIEW_RUNS = "view_runs", _("Read calculation runs, funding pools, awards and payments")
    RUN_SUBSIDY = "run_subsidy", _("Create, calculate, review and approve calculation runs; record payments")
    GRANT_AWARD = "grant_award", _("Grant and withdraw awards by decision")
    MANAGE_FUNDS = "manage_funds", _("Keep the program's funding pools")
    EXPORT_LEDGER = "export_ledger", _("Download Excel ledgers")
    VIEW_OWN_SUBSIDY = "view_own_subsidy", _("Read the subsidies of one's own projects")
    VIEW_RANKING = "view_ranking", _("Read the provider rankings and their bulletins")
    GENERATE_BULLETIN = "generate_bulletin", _("Generate the bulletin (PDF) of a ranking period")
    PUBLISH_RANKING = "publish_ranking", _("Publish the rankings of a period")
    VIEW_OWN_RANKING = "view_own_ranking", _("Read one's own position in the published rankings")
    VIEW_SOLUTIONS = "view_solutions", _("Browse the providers' solution library")
    PUBLISH_SOLUTION = "publish_solution", _("Publish one's solutions in the library")
    MANAGE_PILOTS = "manage_pilots", _("Designate pilot enterprises")
    VIEW_SUPERVISION = "view_supervision", _("Read the supervision of projects: inspections and rectifications")
    ASSIGN_SUPERVISION = "assign_supervision", _("Assign supervision firms to projects")
    SUPERVISE = "supervise", _("Inspect assigned projects and request rectifications")
    ANSWER_RECTIFICATION = "answer_rectification", _("Answer rectification requests on one's projects")
    WAIVE_RECTIFICATION = "waive_rectification", _("Let an acceptance be requested despite an open rectification")
    VIEW_SAMPLES = "view_samples", _("Browse the sample enterprises (learn from samples)")
    APPLY_SAMPLE = "apply_sample", _("Apply for sample status for one's accepted project")
    COSIGN_SAMPLE = "cosign_sample", _("Join the sample application of a project one implemented")
    MANAGE_SAMPLES = "manage_samples", _("Record on-site checks and designate sample enterprises")


CAPABILITIES: dict[str, frozenset] = {
    Capability.VIEW_PROGRAM: EVERY_ROLE,
    Capability.VIEW_REFERENCE: EVERY_ROLE,
    Capability.VIEW_ALL_ENTERPRISES: STAFF_READERS,
    Capability.VIEW_OWN_ENTERPRISE: frozenset({R.ENTERPRISE}),
    Capability.VIEW_PROVIDERS: STAFF_READERS | {R.ENTERPRISE, R.PROVIDER, R.COMMITTEE_MEMBER},
    Capability.VIEW_MEMBERS: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
    Capability.VIEW_HISTORY: STAFF_READERS,
    Capability.CONFIGURE: frozenset({R.BUREAU_ADMIN}),
    Capability.MANAGE_ROLES: frozenset({R.BUREAU_ADMIN}),
    Capability.VIEW_ROLLUP: frozenset({R.SUPERVISOR}),
    Capability.VIEW_POLICIES: STAFF_READERS,
    Capability.COMPARE_POLICIES: STAFF_READERS,
    Capability.QUOTE: EVERY_ROLE,
    Capability.VIEW_ANNOUNCEMENT: EVERY_ROLE,
    Capability.FILE: frozenset({R.ENTERPRISE}),
    Capability.VIEW_FILINGS: STAFF_READERS | {R.ENTERPRISE, R.PROVIDER, R.SUPERVISION_FIRM},
    Capability.REVIEW: frozenset({R.BUREAU_REVIEWER}),
    Capability.MANAGE_POOL: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
    Capability.RUN_SELECTION: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
    Capability.VIEW_SELECTION: STAFF_READERS | {R.COMMITTEE_MEMBER, R.PROVIDER},
    Capability.SCORE_SELECTION: frozenset({R.COMMITTEE_MEMBER}),
    Capability.APPLY_SELECTION: frozenset({R.PROVIDER}),
    Capability.POST_PROGRESS: frozenset({R.PROVIDER}),
    Capability.CONFIRM_PROGRESS: frozenset({R.ENTERPRISE}),
    Capability.MANAGE_IMPLEMENTATION: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
    Capability.VIEW_ACCEPTANCE: STAFF_READERS | {R.ENTERPRISE, R.PROVIDER, R.EXPERT, R.FINANCIAL_AUDITOR},
    Capability.GENERATE_ACCEPTANCE_REPORT: frozenset(
        {R.BUREAU_ADMIN, R.BUREAU_REVIEWER, R.ENTERPRISE, R.PROVIDER, R.EXPERT, R.FINANCIAL_AUDITOR}
    ),
    Capability.REQUEST_ACCEPTANCE: frozenset({R.ENTERPRISE}),
    Capability.COSIGN_ACCEPTANCE: frozenset({R.PROVIDER}),
    Capability.RUN_ACCEPTANCE: frozenset({R.BUREAU_REVIEWER}),
    Capability.SCORE_ACCEPTANCE: frozenset({R.EXPERT}),
    Capability.AUDIT_ACCEPTANCE: frozenset({R.FINANCIAL_AUDITOR}),
    Capability.ASSESS_LEVEL: frozenset({R.BUREAU_REVIEWER, R.EXPERT}),
    Capability.VIEW_RUNS: STAFF_READERS,
    Capability.RUN_SUBSIDY: frozenset({R.BUREAU_REVIEWER}),
    Capability.GRANT_AWARD: frozenset({R.BUREAU_REVIEWER}),
    Capability.MANAGE_FUNDS: frozenset({R.BUREAU_ADMIN}),
    Capability.EXPORT_LEDGER: LEDGER_EXPORTERS,
    Capability.VIEW_OWN_SUBSIDY: frozenset({R.ENTERPRISE}),
    Capability.VIEW_RANKING: STAFF_READERS,
    Capability.GENERATE_BULLETIN: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
    Capability.PUBLISH_RANKING: frozenset({R.BUREAU_REVIEWER}),
    Capability.VIEW_OWN_RANKING: frozenset({R.PROVIDER}),
    Capability.VIEW_SOLUTIONS: STAFF_READERS | {R.ENTERPRISE, R.PROVIDER},
    Capability.PUBLISH_SOLUTION: frozenset({R.PROVIDER}),
    Capability.MANAGE_PILOTS: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
    Capability.VIEW_SUPERVISION: STAFF_READERS | {R.SUPERVISION_FIRM, R.PROVIDER, R.ENTERPRISE},
    Capability.ASSIGN_SUPERVISION: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
    Capability.SUPERVISE: frozenset({R.SUPERVISION_FIRM}),
    Capability.ANSWER_RECTIFICATION: frozenset({R.PROVIDER}),
    Capability.WAIVE_RECTIFICATION: frozenset({R.BUREAU_REVIEWER}),
    Capability.VIEW_SAMPLES: STAFF_READERS | {R.ENTERPRISE, R.PROVIDER},
    Capability.APPLY_SAMPLE: frozenset({R.ENTERPRISE}),
    Capability.COSIGN_SAMPLE: frozenset({R.PROVIDER}),
    Capability.MANAGE_SAMPLES: frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER}),
}


def roles_may(roles, capability) -> bool:
    """True when any of `roles` carries `capability`."""
    allowed = CAPABILITIES[capability]
    return any(role in allowed for role in roles)


def capabilities_of(roles) -> set[str]:
    return {cap for cap, allowed in CAPABILITIES.items() if any(role in allowed for role in roles)}


# What a visitor without a role may do in a program that publishes itself (`Program.is_public`).
PUBLIC_CAPABILITIES = frozenset({Capability.QUOTE, Capability.VIEW_ANNOUNCEMENT})
