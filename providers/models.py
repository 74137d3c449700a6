from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import SignupStatus
from portal.core.files import StoredFile
from portal.core.models import BaseModel
from scoring.models import SheetStatus


class PoolStatus(models.TextChoices):
    POOL = "pool", _("In the resource pool")
    SELECTED = "selected", _("Selected provider")
    WARNED = "warned", _("Selected, warned")
    REMOVED = "removed", _("Removed")


class PoolMembership(BaseModel):
    """A provider's place in a program's resource pool (资源池) and, once chosen, on its selected list."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="pool_memberships",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="pool_memberships",
    )
    industries = models.ManyToManyField(
        "programs.Industry", verbose_name=_("industries"), blank=True, related_name="pool_memberships"
    )
    status = models.CharField(_("status"), max_length=10, choices=PoolStatus.choices, default=PoolStatus.POOL)
    local_support_staff = models.PositiveIntegerField(_("local support staff"), default=0)
    qualifications = models.TextField(_("qualifications"), blank=True)
    team = models.TextField(_("project team"), blank=True)
    services = models.TextField(_("services and solutions"), blank=True)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("resource pool membership")
        verbose_name_plural = _("resource pool memberships")
        ordering = ["program", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organisation"], name="one_pool_membership_per_program"),
        ]

    def __str__(self):
        return self.organisation.name


class ProviderCase(BaseModel):
    """A case the provider shows the program: what it did for whom, in which industry."""

    membership = models.ForeignKey(
        PoolMembership, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("case"), max_length=160)
    client = models.CharField(_("client enterprise"), max_length=120)
    industry = models.ForeignKey(
        "programs.Industry",
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("what was delivered"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider case")
        verbose_name_plural = _("provider cases")
        ordering = ["membership_id", "-year", "id"]

    def __str__(self):
        return self.title


class DocumentKind(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification certificate")
    CASE = "case", _("Case evidence")
    SOLUTION = "solution", _("Solution")
    TEAM = "team", _("Team")
    DECISION = "decision", _("Decision document")
    OTHER = "other", _("Other document")


class ProviderDocument(StoredFile):
    membership = models.ForeignKey(
        PoolMembership, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="documents"
    )
    case = models.ForeignKey(
        ProviderCase, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=DocumentKind.choices)

    class Meta:
        verbose_name = _("provider document")
        verbose_name_plural = _("provider documents")
        ordering = ["membership_id", "kind", "id"]

    def storage_path(self, filename):
        return f"private/providers/{self.membership.program_id}/{self.membership_id}/{filename}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for applications")
    SCORING = "scoring", _("Committee scoring")
    CONFIRMED = "confirmed", _("Result confirmed")
    PUBLISHED = "published", _("Result published")


class SelectionRound(BaseModel):
    """A provider selection round (遴选): industries, window, K places per industry, sheet and committee."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="selection_rounds"
    )
    title = models.CharField(_("title"), max_length=120)
    industries = models.ManyToManyField("programs.Industry", verbose_name=_("industries"), related_name="+")
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    places = models.PositiveSmallIntegerField(_("places per industry"), default=3, validators=[MinValueValidator(1)])
    template = models.ForeignKey(
        "scoring.SheetTemplate", verbose_name=_("score sheet"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    missing_sheets_reason = models.TextField(_("why confirmed with sheets missing"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["program_id", "-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opens")
        ]

    def __str__(self):
        return self.title


class CommitteeSeat(BaseModel):
    """A committee member's seat on a round (industry association or pilot-enterprise representative)."""

    round = models.ForeignKey(SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="seats")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="committee_seats"
    )
    capacity = models.CharField(_("capacity"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["round_id", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="one_seat_per_member")]

    def __str__(self):
        return str(self.member)


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RoundApplication(BaseModel):
    """A provider's application to a round: the industries it competes in, its team and solution."""

    round = models.ForeignKey(
        SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="applications"
    )
    membership = models.ForeignKey(
        PoolMembership, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="round_applications"
    )
    industries = models.ManyToManyField("programs.Industry", verbose_name=_("industries"), related_name="+")
    team = models.TextField(_("project team"))
    solution = models.TextField(_("overall solution"))
    local_support_staff = models.PositiveIntegerField(_("local support staff"))
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    applied_at = models.DateTimeField(_("applied at"))

    class Meta:
        verbose_name = _("round application")
        verbose_name_plural = _("round applications")
        ordering = ["round_id", "applied_at", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "membership"], name="one_application_per_round")]

    def __str__(self):
        return self.membership.organisation.name


class ConflictKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    SHAREHOLDING = "shareholding", _("Shareholding")
    KINSHIP = "kinship", _("Kinship")
    SAME_GROUP = "same_group", _("Same group")
    OTHER = "other", _("Other link")


class ConflictDeclaration(BaseModel):
    """A member's declared link to an applicant: the member does not score that applicant."""

    round = models.ForeignKey(
        SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="conflicts"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        RoundApplication, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="conflicts"
    )
    kind = models.CharField(_("relationship"), max_length=14, choices=ConflictKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["round_id", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "member"], name="one_declaration_per_pair")]


class CommitteeSheet(BaseModel):
    """One member's sheet for one applicant. Submitted sheets are final."""

    round = models.ForeignKey(SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="sheets")
    application = models.ForeignKey(
        RoundApplication, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="sheets"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, default=Decimal("0"))
    first_section = models.DecimalField(_("first section"), max_digits=7, decimal_places=2, default=Decimal("0"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee sheet")
        verbose_name_plural = _("committee sheets")
        ordering = ["round_id", "application_id", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "member"], name="one_sheet_per_pair")]


class SheetScore(BaseModel):
    sheet = models.ForeignKey(CommitteeSheet, verbose_name=_("sheet"), on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey("scoring.SheetItem", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["sheet_id", "item__section__number", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="one_score_per_item"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]


class RoundResult(BaseModel):
    """The confirmed ranking of one applicant in one industry, with the working that produced it."""

    round = models.ForeignKey(SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="results")
    application = models.ForeignKey(
        RoundApplication, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="results"
    )
    industry = models.ForeignKey(
        "programs.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    first_section = models.DecimalField(_("first section"), max_digits=7, decimal_places=2, null=True, blank=True)
    sheets_used = models.PositiveSmallIntegerField(_("sheets used"), default=0)
    working = models.TextField(_("working"), blank=True)
    tie_break = models.CharField(_("tie-break"), max_length=200, blank=True)
    selected = models.BooleanField(_("selected"), default=False)

    class Meta:
        verbose_name = _("round result")
        verbose_name_plural = _("round results")
        ordering = ["round_id", "industry_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "application", "industry"], name="one_result_per_industry")
        ]


class DecisionKind(models.TextChoices):
    ADMIT = "admit", _("Later admission (增选)")
    WARN = "warn", _("Warning")
    REMOVE = "remove", _("Removal")


class PoolDecision(BaseModel):
    """A bureau decision on a provider outside a round: later admission, warning or removal."""

    membership = models.ForeignKey(
        PoolMembership, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(_("decision"), max_length=10, choices=DecisionKind.choices)
    industries = models.ManyToManyField("programs.Industry", verbose_name=_("industries"), blank=True, related_name="+")
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("decision reference"), max_length=120, blank=True)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    status_before = models.CharField(_("status before"), max_length=10, choices=PoolStatus.choices)
    status_after = models.CharField(_("status after"), max_length=10, choices=PoolStatus.choices)

    class Meta:
        verbose_name = _("provider decision")
        verbose_name_plural = _("provider decisions")
        ordering = ["membership_id", "-decided_on", "-id"]


class ProviderSelection(BaseModel):
    """A provider selected for one industry of a program, by a published round or a later-admission decision.
    Enterprises of that industry may pick the provider while the selection is active."""

    membership = models.ForeignKey(
        PoolMembership, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="selections"
    )
    industry = models.ForeignKey(
        "programs.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.ForeignKey(
        SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        PoolDecision, verbose_name=_("decision"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    selected_on = models.DateField(_("selected on"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("selected provider")
        verbose_name_plural = _("selected providers")
        ordering = ["membership_id", "industry_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "industry"], condition=Q(is_active=True), name="one_active_selection"
            ),
            models.CheckConstraint(
                condition=Q(round__isnull=False) | Q(decision__isnull=False), name="selection_has_a_source"
            ),
        ]


class ProviderSignup(BaseModel):
    """A provider's registration for a program: its organisation (by USCC), the industries it serves, its local
    staff. The bureau checks it before the provider enters the resource pool and its person gets a role."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="provider_signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="provider_signups"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    industries = models.ManyToManyField("programs.Industry", verbose_name=_("industries"), related_name="+")
    local_support_staff = models.PositiveIntegerField(_("local support staff"))
    qualifications = models.TextField(_("qualifications"), blank=True)
    claimed_existing = models.BooleanField(_("claims an organisation already registered"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("provider registration")
        verbose_name_plural = _("provider registrations")
        ordering = ["-created_at", "-id"]


# The solution library (“小快轻准”产品库) -----------------------------------------------------------------


class DeploymentMode(models.TextChoices):
    SAAS = "saas", _("SaaS")
    ON_PREMISE = "on_premise", _("On-premise")
    HYBRID = "hybrid", _("Hybrid")


class SolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


SOLUTION_MONEY = {"max_digits": 16, "decimal_places": 2}


class Solution(BaseModel):
    """A provider's solution in the program's library (“小快轻准”产品库): what it does, for which industries and
    scenario modules, at what price. Enterprises see it once published; it is withdrawn, never deleted."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="solutions"
    )
    membership = models.ForeignKey(
        PoolMembership, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="solutions"
    )
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"))
    industries = models.ManyToManyField(
        "programs.Industry", verbose_name=_("industries"), blank=True, related_name="solutions"
    )
    modules = models.ManyToManyField(
        "programs.ScenarioModule", verbose_name=_("scenarios covered"), blank=True, related_name="solutions"
    )
    price_min = models.DecimalField(
        _("price from (yuan)"),
        **SOLUTION_MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave both prices empty when the price is agreed on request (按需求)."),
    )
    price_max = models.DecimalField(
        _("price up to (yuan)"),
        **SOLUTION_MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    deployment = models.CharField(_("deployment mode"), max_length=12, choices=DeploymentMode.choices)
    cases = models.TextField(_("reference customers"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SolutionStatus.choices, default=SolutionStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("withdrawal reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["program_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_max__gte=models.F("price_min")),
                name="solution_price_max_not_below_min",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.price_min is not None and self.price_max is not None and self.price_max < self.price_min:
            raise ValidationError({"price_max": _("The highest price cannot be below the lowest price.")})

    @property
    def on_request(self) -> bool:
        return self.price_min is None and self.price_max is None


class SolutionAward(BaseModel):
    """The bureau's excellent-product award (优秀产品奖励) to a published solution, by decision; one active at a
    time, withdrawn with a reason."""

    solution = models.ForeignKey(Solution, verbose_name=_("solution"), on_delete=models.PROTECT, related_name="awards")
    amount = models.DecimalField(_("amount (yuan)"), **SOLUTION_MONEY)
    reference = models.CharField(_("decision reference"), max_length=120)
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    withdrawn_reason = models.TextField(_("withdrawal reason"), blank=True)

    class Meta:
        verbose_name = _("excellent-product award")
        verbose_name_plural = _("excellent-product awards")
        ordering = ["solution_id", "-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["solution"], condition=Q(is_active=True), name="one_active_award_per_solution"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="solution_award_amount_positive"),
        ]

    def __str__(self):
        return self.reference
