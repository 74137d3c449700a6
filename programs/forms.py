from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.core.roles import Role
from programs.models import Batch, CalendarDay, Industry, Program, ScenarioModule


class ReasonMixin(forms.Form):
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        help_text=_("Kept in the history beside who changed what."),
    )


class IndustryForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Industry
        fields = ["code", "name", "name_en", "sort_order"]


class ScenarioModuleForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = ScenarioModule
        fields = [
            "number",
            "code",
            "kind",
            "category",
            "category_en",
            "name",
            "name_en",
            "price",
            "description",
            "industries",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "industries": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.filter(program=program, is_active=True)


class BatchForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["number", "name", "opens_on", "closes_on", "notes"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class CalendarDayForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class ProgramSettingsForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "name_en",
            "short_name",
            "short_name_en",
            "bureau_name",
            "bureau_name_en",
            "policy_reference",
            "description",
            "starts_on",
            "ends_on",
            "status",
            "is_public",
            "selection_drop_extremes",
            "selection_drop_min_sheets",
            "acceptance_pass_mark",
            "acceptance_min_experts",
            "announcement_working_days",
            "api_token_days",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user with this username."))
        self.cleaned_data["user"] = user
        return username


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
