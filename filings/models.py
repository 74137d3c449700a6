from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.files import StoredFile
from portal.core.models import BaseModel
from programs.models import InvestmentCategory


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProviderResponse(models.TextChoices):
    PENDING = "", pgettext_lazy("provider answer", "Not answered yet")
    ACCEPTED = "accepted", pgettext_lazy("provider answer", "Accepted")
    DECLINED = "declined", pgettext_lazy("provider answer", "Declined")


class Part(models.TextChoices):
    N = "N", _("N: common package")
    X = "X", _("X: custom scenario")


# A line's investment type is the catalogue's (a module may fix it).
Category = InvestmentCategory


# The contract fields of the province's template (seed 001 §10), in the order the form shows them.
CONTRACT_FIELDS = (
    "contract_subject",
    "contract_budget",
    "contract_duration_months",
    "acceptance_method",
    "rights_and_duties",
    "breach_handling",
    "payment_settlement",
    "warranty_months",
    "training",
)


class Application(BaseModel):
    """An N+X project filed by an enterprise in a program. Investment figures are the sums of its lines."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "enterprises.EnterpriseProfile",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    track = models.SlugField(_("track"), max_length=40)
    provider = models.ForeignKey(
        "providers.PoolMembership",
        verbose_name=_("service provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    title = models.CharField(_("project title"), max_length=120)
    # The digital level the enterprise commits to reach (Jinhua): the estimate uses it, payment the assessed level.
    target_level = models.PositiveSmallIntegerField(_("target digital level"), null=True, blank=True)
    # The policy version the project is priced under: fixed at approval, changed only by a recorded re-pricing.
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Two-way selection (seed 000 三(五)): the chosen provider accepts the project before it can be approved.
    provider_response = models.CharField(
        _("provider's answer"), max_length=10, choices=ProviderResponse.choices, default="", blank=True
    )
    provider_responded_at = models.DateTimeField(_("provider answered at"), null=True, blank=True)
    provider_responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("provider answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    provider_comment = models.TextField(_("provider's comment"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    batch = models.ForeignKey(
        "programs.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    implementation_deadline = models.DateField(_("implementation deadline"), null=True, blank=True)
    completed_at = models.DateTimeField(_("implementation completed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    # Contract fields of the province's template (seed 001 §10).
    contract_subject = models.CharField(_("contract subject"), max_length=200, blank=True)
    contract_budget = models.DecimalField(
        _("contract budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    contract_duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)
    acceptance_method = models.TextField(_("acceptance method and criteria"), blank=True)
    rights_and_duties = models.TextField(_("rights and duties"), blank=True)
    breach_handling = models.TextField(_("breach handling"), blank=True)
    payment_settlement = models.TextField(_("payment settlement"), blank=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty period (months)"), null=True, blank=True)
    training = models.TextField(_("staff training"), blank=True)
    # The lead contractor's (总包商, `provider`) own part when the filing names subcontractors: with theirs it
    # adds up to 100 % of the work and to the contract budget.
    lead_work_share = models.DecimalField(
        _("lead contractor's share of the work (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    lead_amount = models.DecimalField(
        _("lead contractor's share of the contract (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_level__isnull=True) | Q(target_level__gte=1, target_level__lte=4),
                name="filing_target_level_1_to_4",
            ),
            models.UniqueConstraint(
                fields=["program", "filing_number"],
                condition=~Q(filing_number=""),
                name="filing_number_unique_in_program",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status", "submitted_at"]),
            models.Index(fields=["program", "submitted_at"]),
        ]

    def __str__(self):
        return self.filing_number or self.title

    @property
    def is_overdue(self) -> bool:
        """Approved, past its implementation deadline, and not completed."""
        return overdue_on(self, timezone.localdate())


def overdue_q(today) -> Q:
    """The same rule as `Application.is_overdue`, as a filter."""
    return Q(status=Status.APPROVED, implementation_deadline__lt=today, completed_at__isnull=True)


def overdue_on(application, today) -> bool:
    return (
        application.status == Status.APPROVED
        and application.implementation_deadline is not None
        and application.implementation_deadline < today
        and application.completed_at is None
    )


class ApplicationLine(BaseModel):
    """One item of the filing: a scenario module (or a custom item), its part (N/X), category and amount."""

    application = models.ForeignKey(
        Application, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="lines"
    )
    module = models.ForeignKey(
        "programs.ScenarioModule",
        verbose_name=_("scenario module"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    part = models.CharField(_("part"), max_length=1, choices=Part.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("filing line")
        verbose_name_plural = _("filing lines")
        ordering = ["application", "part", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="line_amount_not_negative")]


class Subcontract(BaseModel):
    """A subcontractor's part of a project (分包, seed 001 §9): which provider does what, its share of the work and
    of the contract amount, and how far the enterprise has confirmed that part. The lead contractor (the filing's
    `provider`) answers for the whole in rankings and acceptance; a subcontractor posts progress on its part only.
    Taken off the filing with `is_active=False`, never deleted."""

    application = models.ForeignKey(
        Application, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="subcontracts"
    )
    membership = models.ForeignKey(
        "providers.PoolMembership",
        verbose_name=_("subcontractor"),
        on_delete=models.PROTECT,
        related_name="subcontracts",
    )
    scope = models.CharField(_("part of the work"), max_length=200)
    work_share = models.DecimalField(_("share of the work (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("share of the contract (yuan)"), max_digits=14, decimal_places=2)
    percent = models.PositiveSmallIntegerField(_("confirmed progress of the part (%)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("subcontract")
        verbose_name_plural = _("subcontracts")
        ordering = ["application", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work_share__gt=0, work_share__lte=100), name="subcontract_share_within_100"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="subcontract_amount_not_negative"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="subcontract_percent_at_most_100"),
        ]
        indexes = [models.Index(fields=["membership", "is_active"])]

    def __str__(self):
        return self.scope


class Transition(BaseModel):
    """One step of a filing's workflow: who moved it from which state to which, when and why."""

    application = models.ForeignKey(
        Application, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("filing transition")
        verbose_name_plural = _("filing transitions")
        ordering = ["application", "created_at", "id"]


class FilingSequence(models.Model):
    """The last filing number given in a program's year: approval takes the next one under a lock on this row,
    skipping any number already taken (numbers written by an import, or left with gaps), so numbers stay unique
    and a gap never blocks an approval."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("filing number sequence")
        verbose_name_plural = _("filing number sequences")
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="filing_sequence_per_program_year")]

    def __str__(self):
        return f"{self.program_id}/{self.year}: {self.last_number}"


class AttachmentKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    QUOTATION = "quotation", _("Quotation")
    OTHER = "other", _("Other document")


class Attachment(StoredFile):
    """A file of a filing (contract, quotation…)."""

    application = models.ForeignKey(
        Application, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "kind", "id"]

    def storage_path(self, filename):
        return f"private/filings/{self.application.program_id}/{self.application_id}/{filename}"


def attachment_path(instance, filename):
    # Named in migration 0001; files now take their place from `storage_path`.
    return instance.storage_path(filename)
