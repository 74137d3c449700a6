from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.selectors import notification_list
from notifications.services import notification_mark_read
from portal.core.queries import get_or_404


@login_required
def inbox(request):
    page = Paginator(notification_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request, notification):
    item = get_or_404(notification_list(user=request.user), notification)
    notification_mark_read(user=request.user, notification=item)
    if item.link and item.link.startswith("/"):
        return redirect(item.link)
    return redirect("notifications:inbox")
