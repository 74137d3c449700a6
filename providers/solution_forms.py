"""Forms of the solution library: a provider's solution, its withdrawal, and the bureau's award decision."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.fields import AsciiDecimalField
from programs.models import Industry, ScenarioModule
from providers.forms import DATE, ISO_DATE
from providers.models import DeploymentMode
from providers.solutions import SOLUTION_FIELDS

PRICE = {"max_digits": 16, "decimal_places": 2, "min_value": 0, "required": False}


class SolutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    modules = forms.ModelMultipleChoiceField(
        label=_("Scenarios covered"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    price_min = AsciiDecimalField(
        label=_("Price from (yuan)"),
        help_text=_("Leave both prices empty when the price is agreed on request."),
        **PRICE,
    )
    price_max = AsciiDecimalField(label=_("Price up to (yuan)"), **PRICE)
    deployment = forms.ChoiceField(label=_("Deployment mode"), choices=DeploymentMode.choices)
    cases = forms.CharField(label=_("Reference customers"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, program, instance=None, **kwargs):
        if instance is not None:
            initial = {name: getattr(instance, name) for name in SOLUTION_FIELDS}
            initial["industries"] = list(instance.industries.all())
            initial["modules"] = list(instance.modules.all())
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.filter(program=program, is_active=True).order_by(
            "sort_order", "code"
        )
        self.fields["industries"].label_from_instance = lambda industry: industry.display_name
        self.fields["modules"].queryset = ScenarioModule.objects.filter(program=program, is_active=True).order_by(
            "number", "code"
        )
        self.fields["modules"].label_from_instance = lambda module: f"{module.number}. {module.display_name}"
        if instance is not None:
            self.fields["change_reason"] = forms.CharField(
                label=_("Reason for the change"),
                max_length=200,
                help_text=_("Kept in the history beside who changed what."),
            )

    def solution_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in SOLUTION_FIELDS}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AwardForm(forms.Form):
    amount = AsciiDecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2)
    reference = forms.CharField(label=_("Decision reference"), max_length=120)
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs=DATE, format=ISO_DATE))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
