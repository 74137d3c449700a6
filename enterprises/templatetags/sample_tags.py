from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def project_sample(context):
    """The project page's sample-enterprise card (application, check, designation, or where it was copied from)."""
    return ""
