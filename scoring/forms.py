from django import forms
from django.utils.translation import gettext_lazy as _


class SheetForm(forms.Form):
    """One input per item of a sheet, grouped by section; the values go to the scoring service as typed, which
    checks them (`scoring.sheets.sheet_fill`)."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []
        for section in structure:
            rows = []
            for item in section.items.all():
                name = f"item_{item.pk}"
                self.fields[name] = forms.CharField(
                    label=item.display_name,
                    required=False,
                    max_length=20,
                    widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": f"{item.max_points}"}),
                )
                rows.append((item, self[name]))
            self.sections.append((section, rows))

    def scores(self) -> dict:
        return {
            name.removeprefix("item_"): self.cleaned_data.get(name, "")
            for name in self.fields
            if name.startswith("item_")
        }
