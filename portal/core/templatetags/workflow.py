"""What the page's user may do now on an object, read from its workflow:
`{% workflow_actions review "acceptance" as actions %}` … `{% if "close" in actions %}`."""

from django import template

from portal.core.workflow import workflow_named

register = template.Library()


@register.simple_tag(takes_context=True)
def workflow_actions(context, obj, workflow):
    """The names of the steps of the workflow named `workflow` that the user may take on `obj` in its status, by
    the roles they hold in the page's program (`access`). What is their own (a seat, a project) the page checks."""
    return [step.name for step in workflow_named(workflow).available(obj.status, context["access"].roles)]
