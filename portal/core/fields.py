"""Number fields for forms and the API that read only what people type in ASCII digits.

Python's Decimal() also reads full-width (１２３) and Arabic-Indic (١٢٣) digits, exponents and "NaN"; a person
who typed those did not mean a plain number, so the field refuses them instead of storing a converted value.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def _typed_in_ascii_digits(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return bool(NUMBER_TEXT.fullmatch(str(value).strip()))


class AsciiDecimalField(forms.DecimalField):
    """forms.DecimalField that refuses anything but ASCII digits, one point and a sign."""

    def to_python(self, value):
        if value not in self.empty_values and not _typed_in_ascii_digits(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class AsciiDecimalSerializerField(serializers.DecimalField):
    """serializers.DecimalField that refuses anything but ASCII digits, one point and a sign."""

    def to_internal_value(self, data):
        if not _typed_in_ascii_digits(data):
            self.fail("invalid")
        return super().to_internal_value(data)


# Amounts in yuan to the fen. An amount a person sends stays under a trillion yuan (14 digits), so that it
# round-trips exactly on every database; a sum the portal reports may take `max_digits=16`.


def amount_field(*, max_digits=14, **kwargs) -> AsciiDecimalSerializerField:
    """An amount in yuan in the API."""
    return AsciiDecimalSerializerField(max_digits=max_digits, decimal_places=2, **kwargs)


def amount_form_field(*, max_digits=14, **kwargs) -> AsciiDecimalField:
    """An amount in yuan on a form."""
    return AsciiDecimalField(max_digits=max_digits, decimal_places=2, **kwargs)
