from django.conf import settings


def portal(request):
    """What the page shell needs: the user's programs for the switcher (one query, only when logged in)."""
    context = {"LANGUAGES": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from notifications.selectors import unread_count
        from programs.access import programs_for_user

        context["my_programs"] = list(programs_for_user(user=user))
        context["unread_notifications"] = unread_count(user=user, programs=context["my_programs"])
    return context
