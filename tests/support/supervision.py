"""Supervision of the demo's Wuyi project through the services: the firm and its inspections."""

from datetime import timedelta

from django.utils import timezone

from supervision import services
from tests.support.people import WUYI, access_in, user

access_of = access_in(WUYI)


def firm():
    """The demo's supervision firm (the wuyi-supervision login's organisation)."""
    return user("wuyi-supervision").organisation


def inspect(project, *requests, on=None, uploads=()):
    on = on or timezone.localdate() - timedelta(days=3)
    return services.inspection_record(
        access=access_of("wuyi-supervision"),
        application=project,
        inspected_on=on,
        findings="2 台冲压机未接入数据采集",
        uploads=uploads,
        rectifications=[(text, on + timedelta(days=days)) for text, days in requests],
    )
