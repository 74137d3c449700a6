from django import forms
from django.utils.translation import gettext_lazy as _

from filings.models import Subcontract
from implementation.models import Milestone, MilestoneTemplate
from policies.selectors import active_track_list
from programs.forms import ReasonMixin

STARS = [(score, str(score)) for score in range(1, 6)]


def first_error(form) -> str:
    """The first error of an invalid form, with its field's label, for a message after a redirect."""
    if not form.errors:
        return ""
    name, errors = next(iter(form.errors.items()))
    field = form.fields.get(name)
    return f"{field.label}: {errors[0]}" if field is not None else str(errors[0])


class ProgressPostForm(forms.Form):
    """The provider's update. The files come from `request.FILES.getlist("files")`; the service checks them."""

    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.none())
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    claims_completion = forms.BooleanField(label=_("This update completes the project"), required=False)
    # A subcontractor reports on its part; left empty, the update is the lead contractor's on the whole project.
    subcontract = forms.ModelChoiceField(
        label=_("Part of the work"), queryset=Subcontract.objects.none(), required=False
    )

    def __init__(self, *args, milestones, parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones
        if parts is not None:
            self.fields["subcontract"].queryset = parts


class RespondForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("dispute", _("Dispute"))])
    response = forms.CharField(label=_("Your answer"), required=False, max_length=4000)


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Milestone"), max_length=120)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        help_text=_("Kept in the milestone's history; the enterprise and the provider see the new plan."),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Satisfaction"), choices=STARS, coerce=int)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class ComplaintForm(forms.Form):
    text = forms.CharField(label=_("Complaint"), max_length=4000)


class ComplaintDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))])
    note = forms.CharField(label=_("Reasons for the decision"), required=False, max_length=4000)


class MilestoneTemplateForm(ReasonMixin, forms.ModelForm):
    """A default milestone of a track. The track is one of the active policy version's when the program is given."""

    track = forms.ChoiceField(label=_("Track"))

    class Meta:
        model = MilestoneTemplate
        fields = ["track", "number", "name", "due_days"]

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        if program is None:
            self.fields["track"] = forms.SlugField(label=_("Track"), max_length=40)
            return
        tracks = active_track_list(program=program)
        choices = [(track.code, f"{track.name} ({track.code})") for track in tracks]
        current = self.instance.track if self.instance and self.instance.pk else ""
        if current and current not in {code for code, _label in choices}:
            choices.append((current, current))
        self.fields["track"].choices = [("", "—"), *choices]
