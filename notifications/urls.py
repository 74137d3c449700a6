from django.urls import path

from notifications import views
from portal.core import urlparams

app_name = "notifications"

urlparams.register("notification", "notifications.Notification")

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification>/read/", views.mark_read, name="read"),
]
