"""`{% pilot_usccs program as pilots %}` then `{% if uscc in pilots %}`: the pilot badge on any enterprise page
without a query per row and without changing the page's view."""

from django import template

from enterprises.pilot_selectors import pilot_usccs as _pilot_usccs

register = template.Library()


@register.simple_tag
def pilot_usccs(program):
    return _pilot_usccs(program=program)
