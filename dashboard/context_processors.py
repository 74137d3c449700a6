from django.conf import settings
from django.utils.functional import SimpleLazyObject


def portal(request):
    """What the page shell needs: the user's programs for the switcher and the unread notifications, read only
    when a page shows them (error pages and plain pages do not)."""
    context = {"LANGUAGES": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from notifications.selectors import unread_count
        from programs.access import program_menu

        programs = SimpleLazyObject(lambda: program_menu(user=user))
        context["my_programs"] = programs
        context["unread_notifications"] = SimpleLazyObject(lambda: unread_count(user=user, programs=programs))
    return context
