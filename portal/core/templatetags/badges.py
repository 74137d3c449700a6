"""A status as a coloured badge, `{% status_badge "round" round.status round.get_status_display %}`: one tag for
every kind of object, each kind's colours given as data below."""

from dataclasses import dataclass, field

from django import template
from django.utils.html import format_html

register = template.Library()


@dataclass(frozen=True)
class Badge:
    """The colour class of each status (`default` for the others); `marker`, when set, adds a class naming the
    kind and one naming the status (`review-status review-status-passed`), which styles and tests look for."""

    colours: dict = field(default_factory=dict)
    default: str = "badge-grey"
    marker: str = ""


BADGES = {
    "filing": Badge(
        {
            "submitted": "badge-blue",
            "resubmitted": "badge-blue",
            "returned": "badge-amber",
            "approved": "badge-green",
            "rejected": "badge-red",
        }
    ),
    "review": Badge(
        {
            "requested": "badge-blue",
            "panel": "badge-blue",
            "scoring": "badge-amber",
            "audited": "badge-gold",
            "passed": "badge-green",
            "announced": "badge-green",
            "announcing": "badge-blue",
            "on_hold": "badge-red-soft",
            "failed": "badge-red",
        },
        marker="review-status",
    ),
    "run": Badge(
        {"draft": "badge-amber", "reviewed": "badge-blue", "approved": "badge-green", "paid": "badge-gold"},
        marker="run-status",
    ),
    # what has been paid on a run's line (`subsidies.views.common.payment_status`)
    "payment": Badge({"paid": "badge-green", "partly": "badge-amber", "unpaid": "badge-red-soft"}),
    "round": Badge(
        {"open": "badge-blue", "scoring": "badge-amber", "confirmed": "badge-gold", "published": "badge-green"}
    ),
    "pool": Badge({"selected": "badge-green", "warned": "badge-amber", "removed": "badge-red"}),
    "solution": Badge({"published": "badge-green", "withdrawn": "badge-red"}),
    "post": Badge({"confirmed": "badge-green", "disputed": "badge-red", "superseded": "badge-grey"}, "badge-amber"),
    "complaint": Badge({"confirmed": "badge-red", "dismissed": "badge-grey"}, "badge-amber"),
    "snapshot": Badge({"published": "badge-green"}, "badge-amber"),
    "objection": Badge({"open": "badge-amber", "upheld": "badge-red"}),
    "rectification": Badge({"closed": "badge-green", "answered": "badge-blue"}, "badge-amber"),
    "ledger_job": Badge({"done": "badge-green", "failed": "badge-red"}, "badge-blue"),
    "program": Badge({"active": "badge-green"}),
    "verification": Badge({"verified": "badge-green", "rejected": "badge-red"}, "badge-amber"),
    "policy_version": Badge({"active": "badge-green", "draft": "badge-amber"}),
    "sample": Badge(
        {"designated": "badge-green", "declined": "badge-red", "withdrawn": "badge-grey", "checked": "badge-blue"},
        "badge-amber",
    ),
}


@register.simple_tag
def status_badge(kind, status, label):
    """`status` (the code) of an object of `kind` (a key of BADGES) as a badge reading `label` (its display text)."""
    badge = BADGES[kind]
    colour = badge.colours.get(status, badge.default)
    if badge.marker:
        return format_html(
            '<span class="badge {} {}-{} {}">{}</span>', badge.marker, badge.marker, status, colour, label
        )
    return format_html('<span class="badge {}">{}</span>', colour, label)
