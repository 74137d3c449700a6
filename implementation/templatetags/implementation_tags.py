"""Implementation figures for pages of other apps (the filing page's implementation card)."""

from django import template

from implementation.selectors import project_milestones, project_percent

register = template.Library()


@register.simple_tag
def project_progress(application):
    """`{% project_progress application as progress %}`: the project's active milestones and confirmed percent."""
    milestones = project_milestones(application)
    return {"milestones": milestones, "count": len(milestones), "percent": project_percent(milestones)}
