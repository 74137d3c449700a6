from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samples.services import MAX_PHOTOS, TITLE_LENGTH


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one input; each is checked by the service (`check_upload`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/png,image/jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SampleApplyForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Accepted project"), queryset=None)
    statement = forms.CharField(
        label=_("What the project transformed and achieved"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to %(count)d PNG or JPG photos of what was transformed.") % {"count": MAX_PHOTOS},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = candidates
        self.fields["application"].label_from_instance = lambda item: f"{item.title}（{item}）"


class CosignForm(forms.Form):
    provider_statement = forms.CharField(
        label=_("What your organisation implemented"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SiteCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"}))
    experts = forms.CharField(label=pgettext_lazy("on-site check", "Experts"), max_length=1000)
    association_representatives = forms.CharField(label=_("Association representatives"), max_length=1000)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    recommends = forms.TypedChoiceField(
        label=_("The check recommends the designation"),
        choices=(("yes", _("Yes")), ("no", _("No"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class DesignateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reference = forms.CharField(label=_("Decision reference"), max_length=100, required=False)
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}))
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)


class StartFilingForm(forms.Form):
    title = forms.CharField(label=_("Title of the new filing"), max_length=TITLE_LENGTH, required=False)
