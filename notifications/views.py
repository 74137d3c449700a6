from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from notifications.selectors import notification_list
from notifications.services import notification_mark_read
from portal.core.queries import get_or_404


@login_required
def inbox(request):
    page = Paginator(notification_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def mark_read(request, notification):
    item = get_or_404(notification_list(user=request.user), notification)  # someone else's: 404, any method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    notification_mark_read(user=request.user, notification=item)
    if item.link and item.link.startswith("/"):
        return redirect(item.link)
    return redirect("notifications:inbox")
