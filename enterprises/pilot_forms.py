from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.pilot_selectors import pilot_candidates


class PilotDesignateForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Target enterprise"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reference = forms.CharField(label=_("Decision reference"), max_length=100, required=False)
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = pilot_candidates(program=program)


class PilotRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=2000)
