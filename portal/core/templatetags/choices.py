from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def select_options(choices, selected, blank=None):
    """The <option>s of a <select>: `choices` as (value, label) pairs, the one equal to `selected` (compared as
    text: a bound form field's raw value) marked selected, after a first empty option labelled `blank` if given."""
    selected = "" if selected is None else str(selected)
    first = format_html('<option value="">{}</option>', blank) if blank is not None else ""
    return first + format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == selected else "", label) for value, label in choices),
    )
