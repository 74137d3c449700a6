from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def project_supervision(context):
    """The project page's supervision card (assignment, inspections, open rectifications)."""
    return ""
