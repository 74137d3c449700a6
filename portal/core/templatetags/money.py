from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.core.money import format_wan, format_yuan

register = template.Library()


@register.filter
def wan(value):
    """Yuan as 万元, exact and without trailing zeros: 350000 → "35", 123456.78 → "12.345678"."""
    return "" if value is None else format_wan(value)


@register.filter
def yuan(value):
    """An amount as the pages show it, `<span class="money">1,234,567.80 元</span>`; None as a dash. A filter
    rather than an include: list pages show it on every row."""
    if value is None:
        return "—"
    return format_html('<span class="money">{}</span>', _("%(amount)s yuan") % {"amount": format_yuan(value)})
