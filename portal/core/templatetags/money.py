from django import template

from portal.core.money import format_wan

register = template.Library()


@register.filter
def wan(value):
    """Yuan as 万元, exact and without trailing zeros: 350000 → "35", 123456.78 → "12.345678"."""
    return "" if value is None else format_wan(value)
