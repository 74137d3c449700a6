"""The filing page's supervision card, drawn without changing the filing view: at most two queries."""

from django import template
from django.template.loader import render_to_string

from portal.core.roles import Capability, Role
from supervision.selectors import card_figures

register = template.Library()


def _may_read(access, application, assignment) -> bool:
    """Whether the caller may open the project's supervision page (the same rule as `selectors.projects_q`)."""
    if access.can(Capability.VIEW_ALL_ENTERPRISES):
        return True
    organisation = getattr(access.user, "organisation_id", None)
    if not organisation:
        return False
    provider = application.provider
    return (
        (Role.ENTERPRISE in access.roles and application.enterprise.organisation_id == organisation)
        or (Role.PROVIDER in access.roles and provider is not None and provider.organisation_id == organisation)
        or (
            Role.SUPERVISION_FIRM in access.roles
            and assignment is not None
            and assignment.is_active
            and assignment.organisation_id == organisation
        )
    )


@register.simple_tag(takes_context=True)
def project_supervision(context):
    """The project page's supervision card (the firm, open and overdue rectifications, a link to the rest);
    nothing for a caller who may not read supervision, or a project that never had any."""
    access, application = context.get("access"), context.get("application")
    if access is None or application is None or not access.can(Capability.VIEW_SUPERVISION):
        return ""
    figures = card_figures(application=application)
    if figures is None or not _may_read(access, application, figures["assignment"]):
        return ""
    return render_to_string(
        "supervision/_project_card.html",
        {"figures": figures, "application": application, "program": context.get("program"), "access": access},
        request=context.get("request"),
    )
