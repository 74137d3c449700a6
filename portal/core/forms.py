from django.utils.translation import gettext as _

from portal.core.errors import PortalError


def show_portal_error(form, error: PortalError) -> None:
    """Show a refused write on the form it came from: the message on top, and each field it names marked."""
    form.add_error(None, error.message)
    for name, messages in (error.fields or {}).items():
        if name in form.fields:
            form.add_error(name, messages)


def first_error(form) -> str:
    """The form's first error as one line for a message ("Label: error"), when the form is not shown again."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return _("The input is not valid.")
