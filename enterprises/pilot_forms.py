from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import OutputBand
from enterprises.pilot_selectors import pilot_batches, pilot_candidates


class PilotDesignateForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Target enterprise"), queryset=None)
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=None, required=False)
    output_band = forms.ChoiceField(
        label=_("Annual output"),
        choices=[("", _("From the enterprise's profile")), *OutputBand.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reference = forms.CharField(label=_("Decision reference"), max_length=100, required=False)
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = pilot_candidates(program=program)
        self.fields["batch"].queryset = pilot_batches(program=program)


class PilotRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=2000)


class PilotPublishForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=None)
    starts_on = forms.DateField(label=_("Announcement starts"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = pilot_batches(program=program)
