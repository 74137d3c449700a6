from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import AccountSignupForm
from enterprises.models import EnterpriseProfile, OutputBand
from policies.models import Scale
from programs.models import Industry, Region, RegionLevel


class SignupForm(AccountSignupForm):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    name = forms.CharField(
        label=_("Enterprise name"), max_length=120, help_text=_("Ignored when the credit code is already registered.")
    )
    township = forms.ModelChoiceField(label=_("Township"), queryset=Region.objects.none())
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.none())
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices)
    output_band = forms.ChoiceField(label=_("Annual output"), choices=OutputBand.choices)
    is_specialised = forms.BooleanField(label=_("Specialised and innovative (专精特新)"), required=False)
    is_little_giant = forms.BooleanField(label=_("“Little giant” (专精特新“小巨人”)"), required=False)
    digital_level_before = forms.TypedChoiceField(
        label=_("Digital level before transformation"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Not assessed")), *[(level, str(level)) for level in range(0, 5)]],
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Region.objects.filter(
            path__startswith=program.region.path, level=RegionLevel.TOWNSHIP
        )
        self.fields["industry"].queryset = Industry.objects.filter(program=program, is_active=True)


class SignupDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = EnterpriseProfile
        fields = [
            "township",
            "industry",
            "scale",
            "output_band",
            "is_specialised",
            "is_little_giant",
            "digital_level_before",
        ]

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Region.objects.filter(
            path__startswith=program.region.path, level=RegionLevel.TOWNSHIP
        )
        self.fields["industry"].queryset = Industry.objects.filter(program=program, is_active=True)
