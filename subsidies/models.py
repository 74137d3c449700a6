"""Calculation runs and their lines, approvals, corrections, awards, funding pools, allocations, payments and
ledger jobs: the money of a program, priced by its policy versions (`policies`)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.errors import HardDeleteRefused
from portal.core.files import StoredFile
from portal.core.models import BaseModel, NoDeleteQuerySet

# --- calculation runs (批次核算) ------------------------------------------------------------------------------

MONEY = {"max_digits": 16, "decimal_places": 2}
FUNDING_SOURCES = ("central", "local", "city", "county")


class RunStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("calculation run status", "Draft")
    REVIEWED = "reviewed", pgettext_lazy("calculation run status", "Reviewed")
    APPROVED = "approved", pgettext_lazy("calculation run status", "Approved (frozen)")
    PAID = "paid", pgettext_lazy("calculation run status", "Paid")


FROZEN_STATUSES = (RunStatus.APPROVED, RunStatus.PAID)


class JobStatus(models.TextChoices):
    IDLE = "", _("Not started")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("job status", "Failed")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Central funds")
    LOCAL = "local", _("Local funds")
    CITY = "city", _("City funds")
    COUNTY = "county", _("County funds")


class CalculationRun(BaseModel):
    """One batch of subsidy calculation of a program: its current set of lines (`generation`) and its state.

    Draft runs are recalculated; approved runs never change (the service refuses, and database triggers refuse
    writes to their lines and to their figures)."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="calculation_runs"
    )
    number = models.PositiveIntegerField(_("run number"))
    title = models.CharField(_("title"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
    )
    generation = models.PositiveIntegerField(_("calculation"), default=0)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    job_status = models.CharField(
        _("calculation job"), max_length=10, choices=JobStatus.choices, default=JobStatus.IDLE, blank=True
    )
    job_message = models.CharField(_("calculation message"), max_length=300, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    excluded_count = models.PositiveIntegerField(_("projects left out"), default=0)
    subsidy_total = models.DecimalField(_("subsidy"), default=0, **MONEY)
    award_total = models.DecimalField(_("awards"), default=0, **MONEY)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    unfunded_total = models.DecimalField(_("unfunded"), default=0, **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calculation run")
        verbose_name_plural = _("calculation runs")
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="run_number_unique_in_program"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                name="run_approver_is_not_creator",
            ),
        ]

    def __str__(self):
        return f"{self.program} #{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES


class RunApproval(BaseModel):
    """A request to approve a large reviewed run, done in Celery with progress (`subsidies.approvals`); a run of
    at most `RUN_APPROVAL_INLINE_LINES` lines is approved within the request and has none. A failed request is
    tried again on the same record; one run has at most one request under way."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        CalculationRun, verbose_name=_("calculation run"), on_delete=models.PROTECT, related_name="approvals"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("run approval")
        verbose_name_plural = _("run approvals")
        ordering = ["run", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run"],
                condition=Q(status__in=("queued", "running")),
                name="run_approval_one_under_way",
            ),
        ]

    def __str__(self):
        return f"{self.run} · {self.get_status_display()}"

    @property
    def under_way(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class RunTransition(BaseModel):
    """One step of a run: who, when, from which state to which, and why."""

    run = models.ForeignKey(
        CalculationRun, verbose_name=_("calculation run"), on_delete=models.PROTECT, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, choices=RunStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=RunStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("run transition")
        verbose_name_plural = _("run transitions")
        ordering = ["run", "created_at", "id"]


class LineKind(models.TextChoices):
    PROJECT = "project", _("Project")
    ADJUSTMENT = "adjustment", _("Adjustment")


class RunLine(models.Model):
    """One project (or one correction of an approved line) in one calculation of a run, with the facts it read
    (`inputs`) and the engine's result with its trace (`result`). Written in bulk, never changed once the run is
    approved; earlier calculations of a draft stay as they were, under their generation number."""

    run = models.ForeignKey(
        CalculationRun, verbose_name=_("calculation run"), on_delete=models.PROTECT, related_name="lines"
    )
    generation = models.PositiveIntegerField(_("calculation"))
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices, default=LineKind.PROJECT)
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="run_lines"
    )
    review = models.ForeignKey(
        "acceptance.AcceptanceReview",
        verbose_name=_("acceptance review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="run_lines",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
    )
    accepted_at = models.DateTimeField(_("acceptance passed at"))
    inputs = models.JSONField(_("inputs"))
    result = models.JSONField(_("result and trace"))
    subsidy = models.DecimalField(_("subsidy"), **MONEY)
    awards = models.DecimalField(_("awards"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    central = models.DecimalField(_("central funds"), default=0, **MONEY)
    local = models.DecimalField(_("local funds"), default=0, **MONEY)
    city = models.DecimalField(_("city funds"), default=0, **MONEY)
    county = models.DecimalField(_("county funds"), default=0, **MONEY)
    unfunded = models.DecimalField(_("unfunded"), default=0, **MONEY)
    frozen = models.BooleanField(_("in an approved run"), default=False)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("run line")
        verbose_name_plural = _("run lines")
        ordering = ["run", "generation", "position"]
        indexes = [models.Index(fields=["run", "generation", "position"], name="runline_run_generation")]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(frozen=True, kind="project"),
                name="project_in_one_approved_run",
            ),
            models.UniqueConstraint(
                fields=["run", "generation", "application", "kind"], name="runline_unique_in_calculation"
            ),
        ]

    def __str__(self):
        return f"{self.run} · {self.position}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))

    def share(self, source: str) -> Decimal:
        return getattr(self, source)


class RunExclusion(models.Model):
    """A project of the program left out of one calculation of a run, and why."""

    run = models.ForeignKey(
        CalculationRun, verbose_name=_("calculation run"), on_delete=models.PROTECT, related_name="exclusions"
    )
    generation = models.PositiveIntegerField(_("calculation"))
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    review = models.ForeignKey(
        "acceptance.AcceptanceReview",
        verbose_name=_("acceptance review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=20)
    reason = models.TextField(_("reason"))
    inputs = models.JSONField(_("inputs"), default=dict)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("project left out")
        verbose_name_plural = _("projects left out")
        ordering = ["run", "generation", "application_id"]
        indexes = [models.Index(fields=["run", "generation"], name="runexclusion_run_generation")]

    def __str__(self):
        return f"{self.run} · {self.application_id}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self))


class RunCorrection(BaseModel):
    """A request to correct a line of an approved run: the draft run it is raised in calculates the project again
    and carries the difference as an adjustment line pointing at the corrected line."""

    run = models.ForeignKey(
        CalculationRun, verbose_name=_("calculation run"), on_delete=models.PROTECT, related_name="corrections"
    )
    corrects = models.ForeignKey(
        RunLine, verbose_name=_("corrected line"), on_delete=models.PROTECT, related_name="corrections"
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["run", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "corrects"], condition=Q(is_active=True), name="one_correction_per_line_in_run"
            )
        ]


class AwardDecision(BaseModel):
    """An award (奖励) granted to a project by a bureau decision, within the policy's limits; a run pays it."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="award_decisions"
    )
    application = models.ForeignKey(
        "filings.Application", verbose_name=_("project"), on_delete=models.PROTECT, related_name="award_decisions"
    )
    kind = models.CharField(_("award"), max_length=30)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    reference = models.CharField(_("decision reference"), max_length=80)
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    withdrawn_reason = models.TextField(_("withdrawal reason"), blank=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        ordering = ["program", "-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], condition=Q(is_active=True), name="one_active_award_per_kind"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
        ]


class FundingPool(BaseModel):
    """The money one funding source holds for a program. `allocated` never exceeds `budget` (a database check);
    allocation takes the row lock, so concurrent approvals queue behind each other."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="funding_pools"
    )
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    budget = models.DecimalField(_("budget"), **MONEY)
    allocated = models.DecimalField(_("allocated"), default=0, **MONEY)
    paid = models.DecimalField(_("paid"), default=0, **MONEY)
    allocation_count = models.PositiveIntegerField(_("allocations"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("funding pool")
        verbose_name_plural = _("funding pools")
        ordering = ["program", "source"]
        constraints = [
            models.UniqueConstraint(fields=["program", "source"], name="one_pool_per_source"),
            models.CheckConstraint(condition=Q(allocated__lte=models.F("budget")), name="pool_not_over_allocated"),
            models.CheckConstraint(condition=Q(allocated__gte=0, paid__gte=0), name="pool_amounts_not_negative"),
            models.CheckConstraint(condition=Q(paid__lte=models.F("allocated")), name="pool_paid_within_allocated"),
        ]

    def __str__(self):
        return f"{self.program} · {self.get_source_display()}"

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.allocated


class PoolAllocation(BaseModel):
    """What one line took from one pool at approval, in the order the pool was drawn (`sequence`)."""

    pool = models.ForeignKey(
        FundingPool, verbose_name=_("funding pool"), on_delete=models.PROTECT, related_name="allocations"
    )
    line = models.ForeignKey(RunLine, verbose_name=_("run line"), on_delete=models.PROTECT, related_name="allocations")
    sequence = models.PositiveIntegerField(_("sequence"))
    requested = models.DecimalField(_("share"), **MONEY)
    allocated = models.DecimalField(_("allocated"), **MONEY)

    class Meta:
        verbose_name = _("pool allocation")
        verbose_name_plural = _("pool allocations")
        ordering = ["pool", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "line"], name="one_allocation_per_line_and_pool"),
            models.UniqueConstraint(fields=["pool", "sequence"], name="pool_allocation_sequence_unique"),
        ]

    @property
    def shortfall(self) -> Decimal:
        return self.requested - self.allocated


class CarriedFunding(BaseModel):
    """Money a pool granted to an approved line after the line's own approval: the shortfall it was left with,
    funded first when a later run (`run`) was approved after the pool was topped up. The line itself stays as it
    was frozen; its payments against this money name this row and are paid within `run`."""

    pool = models.ForeignKey(
        FundingPool, verbose_name=_("funding pool"), on_delete=models.PROTECT, related_name="carried_fundings"
    )
    line = models.ForeignKey(
        RunLine, verbose_name=_("run line"), on_delete=models.PROTECT, related_name="carried_fundings"
    )
    run = models.ForeignKey(
        CalculationRun,
        verbose_name=_("funded in run"),
        on_delete=models.PROTECT,
        related_name="carried_fundings",
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("allocated by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("funding carried forward")
        verbose_name_plural = _("fundings carried forward")
        ordering = ["pool", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "line", "run"], name="one_carried_funding_per_line_pool_run"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="carried_funding_positive"),
        ]

    def __str__(self):
        return f"{self.line} · {self.pool.source} · {self.amount}"


class Payment(BaseModel):
    """Money paid on one line from one funding source: date, amount and voucher. `carried`: paid against money
    funded later (a CarriedFunding), within the run that funded it."""

    line = models.ForeignKey(RunLine, verbose_name=_("run line"), on_delete=models.PROTECT, related_name="payments")
    carried = models.ForeignKey(
        CarriedFunding,
        verbose_name=_("funded later"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    voucher = models.CharField(_("voucher number"), max_length=60)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["line", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="payment_amount_not_zero")]


class LedgerJob(BaseModel):
    """One request for an Excel ledger built in Celery (a run's, or the program's), with its progress."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        CalculationRun,
        verbose_name=_("calculation run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("ledger job")
        verbose_name_plural = _("ledger jobs")
        ordering = ["program", "-created_at", "-id"]


class LedgerFile(StoredFile):
    """The workbook a ledger job built; one per job, however often the job runs."""

    job = models.OneToOneField(
        LedgerJob, verbose_name=_("ledger job"), on_delete=models.PROTECT, related_name="file_record"
    )

    class Meta:
        verbose_name = _("ledger file")
        verbose_name_plural = _("ledger files")

    def storage_path(self, filename):
        return f"private/ledgers/{self.job.program_id}/{self.job_id}/{filename}"
