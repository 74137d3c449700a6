"""The portal's URLs plus one API view that fails, to see the API's answer to a server error."""

from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500
from portal.urls import urlpatterns as portal_urlpatterns


def failing_view(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("api/v1/failing/", failing_view), *portal_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
