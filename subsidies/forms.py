"""Forms of the calculation-run pages. They only shape the input; every rule is the services' (subsidies.runs)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.fields import amount_form_field
from portal.core.money import format_yuan
from subsidies.models import FundingSource

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money(label, **kwargs):
    return amount_form_field(label=label, max_digits=16, **kwargs)


class RunCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        help_text=_("Optional; the run is numbered after the last one of the program."),
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Why the run goes back to draft"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PayRemainingForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    voucher = forms.CharField(label=_("Voucher number"), max_length=60)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PaymentForm(forms.Form):
    """A payment on one line; `sources` are the line's funded sources with something still to pay."""

    source = forms.ChoiceField(label=_("Funding source"))
    amount = _money(_("Amount (yuan)"), help_text=_("A negative amount records money paid back."))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    voucher = forms.CharField(label=_("Voucher number"), max_length=60)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(source, FundingSource(source).label) for source in sources]


class CorrectionForm(forms.Form):
    """Correct a line of an approved run through a draft run of the program."""

    run = forms.TypedChoiceField(label=_("Draft run that carries the correction"), coerce=int)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].choices = [(run.pk, f"#{run.number} · {run.title}") for run in drafts]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class WhatIfForm(forms.Form):
    """The run's lines under another policy version and/or changed parameters (the calculator's syntax)."""

    version = forms.ChoiceField(label=_("Policy version"), required=False)
    overrides = forms.CharField(
        label=_("What-if parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line as key=value or key[qualifier]=value, e.g. x_rate=0.50 or n_rate[2]=0.55."),
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [("", _("Active version"))] + [
            (version.code, f"{version.name}（{version.code}）") for version in versions
        ]

    def override_lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("overrides") or "").splitlines() if line.strip()]


class PoolForm(forms.Form):
    source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    budget = _money(_("Budget (yuan)"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)


class ProjectByNumberField(forms.CharField):
    """A project named by its filing number, among `queryset`: a program may hold tens of thousands, too many to
    list in a choice."""

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def clean(self, value):
        number = super().clean(value)
        found = self.queryset.filter(filing_number=number).select_related("enterprise__organisation").first()
        if found is None:
            raise forms.ValidationError(
                _("No accepted project of this program has the filing number “%(number)s”."),
                code="invalid",
                params={"number": number},
            )
        return found


class AwardForm(forms.Form):
    """Grant an award by decision; `projects` are the program's projects with an acceptance review, `kinds` the
    awards the active policy knows."""

    application = ProjectByNumberField(
        label=_("Project (filing number)"), help_text=_("As on the project's page, e.g. WUYI-2024-2025-00012.")
    )
    kind = forms.ChoiceField(label=_("Award"))
    amount = _money(_("Amount (yuan)"))
    reference = forms.CharField(label=_("Decision reference"), max_length=80)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, projects, kinds: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = projects
        self.fields["kind"].choices = [
            (kind, _("%(kind)s (at most %(amount)s yuan)") % {"kind": kind, "amount": format_yuan(limit)})
            for kind, limit in kinds.items()
        ]


class IdListField(forms.Field):
    """Ids ticked in a list (checkboxes of one name); which of them may be used is the service's to say."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return sorted({int(item) for item in value or []})
        except (TypeError, ValueError):
            raise ValidationError(_("Pick filings from the list.")) from None


class RepriceForm(forms.Form):
    applications = IdListField(label=_("Filings"), required=False)
    reason = forms.CharField(
        label=_("Reason for re-pricing"),
        required=False,
        max_length=200,
        help_text=_("Kept in each filing's history with your name and the time."),
    )
