"""`{% project_sample %}` on the filing page: the project's sample status, the owner's "apply for sample status"
link once acceptance has passed, or the sample a copied filing was started from (two queries at most)."""

from django import template

from samples.selectors import project_sample_card

register = template.Library()


@register.inclusion_tag("samples/_project_card.html", takes_context=True)
def project_sample(context):
    """The project page's sample-enterprise card (application, check, designation, or where it was copied from)."""
    access, application = context.get("access"), context.get("application")
    card = None
    if access is not None and application is not None:
        card = project_sample_card(access=access, application=application)
    return {"card": card, "program": context.get("program"), "application": application}
