from portal.core.errors import PortalError


def show_portal_error(form, error: PortalError) -> None:
    """Show a refused write on the form it came from: the message on top, and each field it names marked."""
    form.add_error(None, error.message)
    for name, messages in (error.fields or {}).items():
        if name in form.fields:
            form.add_error(name, messages)
