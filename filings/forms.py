from django import forms
from django.utils.translation import gettext_lazy as _

from filings.models import CONTRACT_FIELDS, Application, Category, Part, Status
from portal.core.fields import AsciiDecimalField
from programs.models import ScenarioModule
from providers.models import PoolMembership, PoolStatus
from providers.selectors import pickable_providers

# The lead contractor's own part, on the filing form apart from the model fields: the service parses and checks
# them with the subcontracts (they add up to 100 % and to the contract budget).
LEAD_FIELDS = ("lead_work_share", "lead_amount")


class ApplicationForm(forms.ModelForm):
    track = forms.ChoiceField(label=_("Track"))
    lead_work_share = AsciiDecimalField(
        label=_("Lead contractor's share of the work (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("Only when the work is subcontracted: with the subcontractors' shares it adds up to 100 %."),
    )
    lead_amount = forms.CharField(
        label=_("Lead contractor's share of the contract (yuan)"),
        required=False,
        max_length=30,
        help_text=_("Only when the work is subcontracted: with the subcontractors' amounts it adds up to the budget."),
    )

    class Meta:
        model = Application
        fields = ["title", "track", "target_level", "provider", *CONTRACT_FIELDS]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("acceptance_method", "rights_and_duties", "breach_handling", "payment_settlement", "training")
        }

    def __init__(self, *args, program, tracks, industry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [(track.code, track.name) for track in tracks]
        if any(track.kind == "level_year" for track in tracks):
            self.fields["target_level"] = forms.TypedChoiceField(
                label=_("Target digital level after transformation"),
                choices=[("", "—"), *((level, level) for level in range(1, 5))],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("The level the project commits to reach: the estimate uses it, payment the assessed one."),
            )
        else:
            del self.fields["target_level"]
        self.fields["provider"].queryset = pickable_providers(program=program, industry=industry)
        self.fields["provider"].label_from_instance = lambda membership: membership.organisation.name
        self.fields["provider"].label = _("Lead contractor (service provider)")
        if self.instance and self.instance.pk:
            for name in LEAD_FIELDS:
                self.initial.setdefault(name, getattr(self.instance, name))


class SubcontractForm(forms.Form):
    """One subcontractor (分包) of the filing: a provider of the program's pool, its part, its shares."""

    membership = forms.ModelChoiceField(label=_("Subcontractor"), queryset=PoolMembership.objects.none())
    scope = forms.CharField(label=_("Part of the work"), max_length=200)
    work_share = AsciiDecimalField(
        label=_("Share of the work (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    # Typed yuan ("1,234.50"), parsed by the service with `parse_amount`.
    amount = forms.CharField(label=_("Share of the contract (yuan)"), max_length=30)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            PoolMembership.objects.filter(program=program)
            .exclude(status=PoolStatus.REMOVED)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.fields["membership"].label_from_instance = lambda membership: membership.organisation.name


SubcontractFormSet = forms.formset_factory(SubcontractForm, extra=2, can_delete=True)


class LineForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Scenario module"), queryset=ScenarioModule.objects.none(), required=False)
    # A blank first choice keeps an untouched extra row unchanged, so the formset skips it.
    part = forms.ChoiceField(label=_("Part"), choices=[("", "—"), *Part.choices])
    category = forms.ChoiceField(label=_("Investment type"), choices=[("", "—"), *Category.choices])
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = AsciiDecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = ScenarioModule.objects.filter(program=program, is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("module") and not (data.get("description") or "").strip():
            raise forms.ValidationError(_("Pick a scenario module or describe the item."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=3, can_delete=True, min_num=1, validate_min=True)


class TransitionForm(forms.Form):
    action = forms.SlugField(widget=forms.HiddenInput)
    expected_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput, required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])
    industry = forms.CharField(label=_("Industry"), required=False)
    township = forms.CharField(label=_("Township"), required=False)
    track = forms.CharField(label=_("Track"), required=False)
    batch = forms.IntegerField(label=_("Batch"), required=False, min_value=1)
    provider = forms.IntegerField(label=_("Service provider"), required=False, min_value=1)
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Submitted to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    search = forms.CharField(label=_("Enterprise, credit code or number"), required=False, max_length=60)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
