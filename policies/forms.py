from django import forms
from django.utils.translation import gettext_lazy as _

from policies.models import Scale
from portal.core.fields import AsciiDecimalField


class ParameterForm(forms.Form):
    track = forms.CharField(required=False, widget=forms.HiddenInput)
    key = forms.SlugField(widget=forms.HiddenInput)
    qualifier = forms.CharField(label=_("Qualifier"), required=False, max_length=40)
    value = forms.CharField(
        label=_("Value"),
        max_length=40,
        help_text=_("Rates as decimals (0.40 = 40%), amounts in yuan, dates as YYYY-MM-DD."),
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)


class ActivateForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))


class DraftFromForm(forms.Form):
    code = forms.SlugField(label=_("Code of the new draft"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=120)


class QuoteForm(forms.Form):
    """The calculator's inputs; what each track needs is checked by the quote itself, with its message."""

    version = forms.ChoiceField(label=_("Policy version"), required=False)
    track = forms.ChoiceField(label=_("Track"))
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    scale = forms.ChoiceField(
        label=_("Enterprise scale"), required=False, choices=[("", _("Not stated")), *Scale.choices]
    )
    batch = forms.IntegerField(label=_("Batch"), required=False, min_value=1)
    level = forms.IntegerField(label=_("Digital level after transformation"), required=False, min_value=1, max_value=4)
    accepted_on = forms.DateField(
        label=_("Acceptance passed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    n_investment = AsciiDecimalField(
        label=_("N investment (yuan)"), required=False, min_value=0, decimal_places=2, max_digits=14
    )
    x_investment = AsciiDecimalField(
        label=_("X investment (yuan)"), required=False, min_value=0, decimal_places=2, max_digits=14
    )
    total_investment = AsciiDecimalField(
        label=_("Total software and hardware investment (yuan)"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
    )
    automation_investment = AsciiDecimalField(
        label=_("Automation equipment investment (yuan)"), required=False, min_value=0, decimal_places=2, max_digits=14
    )
    awards = forms.CharField(
        label=_("Awards by decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line as kind=yuan, e.g. sample=150000 or standard-reached=300000."),
    )
    compare_version = forms.ChoiceField(label=_("Compare with version"), required=False)
    overrides = forms.CharField(
        label=_("What-if parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. general_informatization_rate=0.15; applied to the compared side."),
    )

    def __init__(self, *args, versions, tracks, industries, may_compare, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [("", _("Active version"))] + [(v.code, v.name) for v in versions]
        self.fields["track"].choices = [(t.code, f"{t.name}（{t.code}）") for t in tracks]
        self.fields["industry"].choices = [("", _("Not stated"))] + [(i.code, i.display_name) for i in industries]
        if may_compare:
            self.fields["compare_version"].choices = [("", _("No comparison"))] + [(v.code, v.name) for v in versions]
        else:
            del self.fields["compare_version"]
            del self.fields["overrides"]
            if len(versions) <= 1:
                del self.fields["version"]
