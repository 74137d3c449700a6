"""Implementation figures for pages of apps below it (the filing page's implementation card, the provider page's
standing), so that their views need not import implementation."""

from django import template

from implementation.selectors import project_milestones, project_percent
from implementation.selectors import provider_standing as standing_of

register = template.Library()


@register.simple_tag
def project_progress(application):
    """`{% project_progress application as progress %}`: the project's active milestones and confirmed percent."""
    milestones = project_milestones(application)
    return {"milestones": milestones, "count": len(milestones), "percent": project_percent(milestones)}


@register.simple_tag
def provider_standing(membership):
    """`{% provider_standing membership as standing %}`: the provider's projects, ratings and complaints."""
    return standing_of(membership)
