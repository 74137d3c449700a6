from django import forms
from django.utils.translation import gettext_lazy as _

from supervision import selectors

MAX_TEXT = 4000
REQUEST_ROWS = 3  # blank rectification rows on the inspection form


class AssignForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Project"), queryset=None)
    organisation = forms.ModelChoiceField(label=_("Supervision firm"), queryset=None)
    note = forms.CharField(
        label=_("Note"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = selectors.assignable_projects(program=program)
        self.fields["application"].label_from_instance = lambda a: " · ".join(
            part for part in (a.filing_number, a.title, a.enterprise.organisation.name) if part
        )
        self.fields["organisation"].queryset = selectors.firm_choices(program=program)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("How it was put right"), max_length=MAX_TEXT)


class CloseForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), max_length=MAX_TEXT)


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(
        label=_("Inspected on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    findings = forms.CharField(label=_("Findings"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, REQUEST_ROWS + 1):
            self.fields[f"request_{number}"] = forms.CharField(
                label=_("Rectification request %(number)d") % {"number": number},
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"due_on_{number}"] = forms.DateField(
                label=_("Deadline to put it right"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def request_rows(self):
        return [(self[f"request_{n}"], self[f"due_on_{n}"]) for n in range(1, REQUEST_ROWS + 1)]

    def requests(self) -> list:
        data = self.cleaned_data
        return [(data.get(f"request_{n}", ""), data.get(f"due_on_{n}")) for n in range(1, REQUEST_ROWS + 1)]
