"""Forms of the acceptance pages: the request, the panel, the experts' sheets and declarations, the audit, the
announcement with its objections, and the digital-level assessments.

Forms only read and shape what was typed; every rule that decides is in `acceptance.services`.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acceptance.models import AMOUNT_FIELDS, SCENE_COUNT, AssessmentPhase
from acceptance.selectors import holder_choices
from portal.core.fields import AsciiDecimalField, amount_form_field
from portal.core.roles import Role
from providers.models import ConflictKind

DATE = {"type": "date"}
ISO_DATE = "%Y-%m-%d"  # what <input type="date"> reads, whatever the language's date format
MONEY_WIDGET = {"step": "0.01", "min": "0", "inputmode": "decimal"}
AMOUNT_LABELS = {
    "n_software": _("N software (yuan)"),
    "n_hardware": _("N hardware (yuan)"),
    "x_software": _("X software (yuan)"),
    "x_hardware": _("X hardware (yuan)"),
    "automation": _("Automation equipment (yuan)"),
}
AMOUNT_HELP = {
    "n_software": _("The common package (N): software, cloud services and licences."),
    "n_hardware": _("The common package (N): terminals, servers, sensors and other hardware."),
    "x_software": _("The custom scenarios (X): software."),
    "x_hardware": _("The custom scenarios (X): hardware."),
    "automation": _("Automation equipment of either part, counted apart from N and X."),
}


def _money_field(name, *, help_text=None):
    return amount_form_field(
        label=AMOUNT_LABELS[name],
        min_value=Decimal("0"),
        help_text=AMOUNT_HELP[name] if help_text is None else help_text,
        widget=forms.NumberInput(attrs=MONEY_WIDGET),
    )


def _user_label(user):
    return f"{user}（{user.organisation.name}）" if user.organisation_id else str(user)


class AmountsForm(forms.Form):
    """The five investment categories of acceptance; subclasses add their own fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in AMOUNT_FIELDS:
            self.fields[name] = _money_field(name)

    def amount_fields(self):
        return [self[name] for name in AMOUNT_FIELDS]

    def amounts(self) -> dict:
        return {name: self.cleaned_data[name] for name in AMOUNT_FIELDS}


class RequestForm(AmountsForm):
    deliverables = forms.CharField(
        label=_("Deliverables"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the provider delivered: systems, modules, equipment, training, documents."),
    )
    field_order = ["deliverables"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in AMOUNT_FIELDS:
            self.fields[name].help_text = _(
                "The final investment of the category, in yuan; prefilled from the filing's items."
            )


class PanelForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    financial_auditor = forms.ModelChoiceField(
        label=_("Financial auditor"),
        queryset=None,
        help_text=_("The third-party auditor who confirms the investment actually made."),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = holder_choices(program, Role.EXPERT)
        self.fields["experts"].label_from_instance = _user_label
        self.fields["financial_auditor"].queryset = holder_choices(program, Role.FINANCIAL_AUDITOR)
        self.fields["financial_auditor"].label_from_instance = _user_label
        minimum = program.acceptance_min_experts
        self.fields["experts"].help_text = _(
            "At least %(count)d experts holding the expert role in this program. An expert from the enterprise, "
            "the provider or an affiliate of either, or one who declared a link, is refused."
        ) % {"count": minimum}


class ReplaceForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("Expert"),
        queryset=None,
        help_text=_("Seats another expert, e.g. after one declared a link. The same refusals apply."),
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        been = review.seats.values("expert_id")
        self.fields["expert"].queryset = holder_choices(review.application.program, Role.EXPERT).exclude(pk__in=been)
        self.fields["expert"].label_from_instance = _user_label


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(label=_("Link"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AuditForm(AmountsForm):
    conclusion = forms.CharField(
        label=_("Audit conclusion"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("E.g. the invoices and payments match the declared investment, or what was cut and why."),
    )
    report = forms.FileField(
        label=_("Audit report"),
        required=False,
        help_text=_("PDF, images or Office files, up to 20 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in AMOUNT_FIELDS:
            self.fields[name].help_text = _("The audited amount, in yuan: the base of the subsidy.")
        self.order_fields([*AMOUNT_FIELDS, "conclusion", "report"])


class AnnounceForm(forms.Form):
    starts_on = forms.DateField(
        label=_("First day of the announcement"),
        widget=forms.DateInput(attrs=DATE, format=ISO_DATE),
    )

    def __init__(self, *args, program, **kwargs):
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].help_text = _(
            "The announcement lasts %(days)d working days, counted in the program's calendar."
        ) % {"days": program.announcement_working_days}


class ObjectionForm(forms.Form):
    raised_by = forms.CharField(
        label=_("Raised by"),
        max_length=120,
        help_text=_("Who objects: a name, an organisation, or “anonymous letter”."),
    )
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("dismissed", _("Dismissed: the announcement resumes")), ("upheld", _("Upheld: acceptance fails"))],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["decision"] == "upheld"


SCENE_CHOICES = [(str(level), str(level)) for level in range(1, 5)]
SCENE_FIELDS = [f"scene_{number}" for number in range(1, SCENE_COUNT + 1)]


class AssessmentForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=AssessmentPhase.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=forms.DateInput(attrs=DATE, format=ISO_DATE))
    basics = AsciiDecimalField(
        label=_("Digital basics"),
        min_value=Decimal("0"),
        max_value=Decimal("50"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Out of 50."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "50"}),
    )
    management = AsciiDecimalField(
        label=_("Digital management"),
        min_value=Decimal("0"),
        max_value=Decimal("30"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Out of 30."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "30"}),
    )
    results = AsciiDecimalField(
        label=_("Digital results"),
        min_value=Decimal("0"),
        max_value=Decimal("20"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Out of 20."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "20"}),
    )
    report = forms.FileField(
        label=_("Assessment report"), required=False, help_text=_("PDF, images or Office files, up to 20 MB.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate(), **dict.fromkeys(SCENE_FIELDS, "1")})
        super().__init__(*args, **kwargs)
        for number, name in enumerate(SCENE_FIELDS, start=1):
            self.fields[name] = forms.TypedChoiceField(
                label=_("Scene %(number)d") % {"number": number}, choices=SCENE_CHOICES, coerce=int
            )
        self.order_fields(["phase", "assessed_on", "basics", "management", "results", *SCENE_FIELDS, "report"])

    def scene_fields(self):
        return [self[name] for name in SCENE_FIELDS]

    def scene_levels(self) -> list[int]:
        return [self.cleaned_data[name] for name in SCENE_FIELDS]
