from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from portal.core.errors import PortalError
from portal.core.roles import Role
from programs import selectors
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
    """A role for a person of the program's organisations, named by username. An unknown username and a person
    outside the program get the same error (selectors.grantee_get)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_(
            "A person of an organisation taking part in the program, or holding a role in it. For someone new, "
            "create a login instead."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            self.cleaned_data["user"] = selectors.grantee_get(access=self.access, username=username)
        except PortalError as error:
            raise forms.ValidationError(error.message) from error
        return username


class MemberOnboardForm(forms.Form):
    """A new login for a person of an organisation taking part in the program, with its first role."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    username = forms.CharField(label=_("Username"), max_length=150, validators=[UnicodeUsernameValidator()])
    display_name = forms.CharField(label=_("Name"), max_length=60)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.participating_organisations(program=access.program)


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
