"""Forms of the provider pages: selection rounds, committee sheets, the provider's own profile, pool decisions.

Forms only read and shape what was typed; every rule that decides is in `providers.services`.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import AccountSignupForm
from programs.models import Industry
from providers.models import ConflictKind, DecisionKind, DocumentKind, RoundStatus
from providers.selectors import committee_candidates
from scoring.selectors import sheet_template_list

DATE = {"type": "date"}
ISO_DATE = "%Y-%m-%d"  # what <input type="date"> reads, whatever the language's date format


def _industry_field(label, *, required=True, help_text=""):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Industry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=required,
        help_text=help_text,
    )


def _industry_label(industry):
    return industry.display_name


# Selection rounds: set-up ----------------------------------------------------------------------------------


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    industries = _industry_field(
        _("Industries"), help_text=_("The industries providers compete in, each ranked on its own.")
    )
    opens_on = forms.DateField(label=_("Applications open"), widget=forms.DateInput(attrs=DATE, format=ISO_DATE))
    closes_on = forms.DateField(label=_("Applications close"), widget=forms.DateInput(attrs=DATE, format=ISO_DATE))
    places = forms.IntegerField(
        label=_("Places per industry"),
        min_value=1,
        max_value=99,
        initial=3,
        help_text=_("The top ranked providers of each industry, up to this number, are proposed for selection."),
    )
    template = forms.ModelChoiceField(
        label=_("Score sheet"),
        queryset=None,
        help_text=_("Every committee member scores every applicant on this sheet; it is fixed once scoring starts."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = ("title", "opens_on", "closes_on", "places", "template", "notes")

    def __init__(self, *args, program, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{name: getattr(instance, name) for name in self.FIELDS},
                    "industries": list(instance.industries.all()),
                },
            )
        super().__init__(*args, **kwargs)
        industries = Industry.objects.filter(program=program, is_active=True)
        templates = sheet_template_list(program=program, purpose="selection").filter(is_active=True)
        if instance is not None:
            # A round keeps what it was set up with even when an industry or sheet was closed since.
            industries = industries | Industry.objects.filter(pk__in=instance.industries.values("pk"))
            templates = templates | sheet_template_list(program=program, purpose="selection").filter(
                pk=instance.template_id
            )
            self.fields["change_reason"] = forms.CharField(
                label=_("Reason for the change"),
                max_length=200,
                help_text=_("Kept in the history beside who changed what."),
            )
        self.fields["industries"].queryset = industries.distinct().order_by("sort_order", "code")
        self.fields["industries"].label_from_instance = _industry_label
        self.fields["template"].queryset = templates.distinct()
        self.fields["template"].label_from_instance = lambda template: f"{template.display_name} v{template.version}"
        if instance is not None and instance.status != RoundStatus.DRAFT:
            self.fields["template"].help_text = _("Changing the sheet is still possible while no sheet is saved.")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Applications cannot close before they open."))
        return data

    def round_fields(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class SeatForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Committee member"), queryset=None)
    capacity = forms.CharField(
        label=_("Capacity"),
        max_length=80,
        required=False,
        help_text=_("Whom the member represents, e.g. the industry association or a pilot enterprise."),
    )

    def __init__(self, *args, selection_round, **kwargs):
        super().__init__(*args, **kwargs)
        seated = selection_round.seats.filter(is_active=True).values("member_id")
        self.fields["member"].queryset = committee_candidates(selection_round.program).exclude(pk__in=seated)
        self.fields["member"].label_from_instance = lambda user: (
            f"{user}（{user.organisation.name}）" if user.organisation_id else str(user)
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AdvanceForm(forms.Form):
    expected_status = forms.ChoiceField(choices=RoundStatus.choices, widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the round is confirmed with sheets missing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    published_on = forms.DateField(
        label=_("Published on"),
        widget=forms.DateInput(attrs=DATE, format=ISO_DATE),
        help_text=_("From this date the selected providers may be picked by the enterprises of their industries."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"published_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


# Selection rounds: applications, conflicts, sheets ---------------------------------------------------------


class ApplyForm(forms.Form):
    industries = _industry_field(_("Industries you compete in"))
    team = forms.CharField(
        label=_("Project team"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who works on the projects: names, roles, qualifications."),
    )
    solution = forms.CharField(
        label=_("Overall solution"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How you serve enterprises of these industries: products, N+X modules, delivery."),
    )
    local_support_staff = forms.IntegerField(
        label=_("Local support staff"),
        min_value=0,
        max_value=100000,
        help_text=_("People stationed in the program's region to support the enterprises."),
    )

    def __init__(self, *args, selection_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = selection_round.industries.all()
        self.fields["industries"].label_from_instance = _industry_label


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(label=_("Link"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


# Pool decisions ----------------------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of decision"), choices=DecisionKind.choices)
    industries = _industry_field(
        _("Industries admitted for"),
        required=False,
        help_text=_("Only for a later admission: the industries whose enterprises may pick the provider."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    reference = forms.CharField(
        label=_("Decision reference"),
        max_length=120,
        required=False,
        help_text=_("The number of the bureau's written decision, if any."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs=DATE, format=ISO_DATE))

    def __init__(self, *args, program, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.filter(program=program, is_active=True)
        self.fields["industries"].label_from_instance = _industry_label


# The provider's own profile ----------------------------------------------------------------------------------


class ProfileForm(forms.Form):
    local_support_staff = forms.IntegerField(label=_("Local support staff"), min_value=0, max_value=100000)
    qualifications = forms.CharField(
        label=_("Qualifications"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team = forms.CharField(label=_("Project team"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    services = forms.CharField(
        label=_("Services and solutions"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    industries = _industry_field(_("Industries served"))
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        help_text=_("Kept in the history beside who changed what."),
    )

    FIELDS = ("local_support_staff", "qualifications", "team", "services")

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                **{name: getattr(membership, name) for name in self.FIELDS},
                "industries": list(membership.industries.all()),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.filter(program=membership.program, is_active=True)
        self.fields["industries"].label_from_instance = _industry_label

    def profile_data(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Case"), max_length=160)
    client = forms.CharField(label=_("Client enterprise"), max_length=120)
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=None, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    description = forms.CharField(
        label=_("What was delivered"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    FIELDS = ("title", "client", "industry", "year", "description")

    def __init__(self, *args, program, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in self.FIELDS})
        else:
            kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(program=program, is_active=True)
        self.fields["industry"].label_from_instance = _industry_label

    def case_fields(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}


# A decision document is the bureau's, not something a provider uploads to its profile.
UPLOAD_KINDS = [(value, label) for value, label in DocumentKind.choices if value != DocumentKind.DECISION]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=UPLOAD_KINDS)
    case = forms.ModelChoiceField(label=_("Case"), queryset=None, required=False, empty_label=_("No case"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = membership.cases.filter(is_active=True)


class ProviderSignupForm(AccountSignupForm):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    name = forms.CharField(
        label=_("Provider name"), max_length=120, help_text=_("Ignored when the credit code is already registered.")
    )
    industries = _industry_field(_("Industries you serve"))
    local_support_staff = forms.IntegerField(label=_("Local support staff"), min_value=0, max_value=10000)
    qualifications = forms.CharField(
        label=_("Qualifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Certifications, software enterprise status, honours."),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.filter(program=program, is_active=True)
        self.fields["industries"].label_from_instance = _industry_label

    def provider(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in ("uscc", "name", "industries", "local_support_staff", "qualifications")
        }
