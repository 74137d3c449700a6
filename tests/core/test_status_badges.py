"""Status badges: one tag (`portal/core/templatetags/badges.py`) for every kind of object, its colours given as
data; the HTML is what the per-kind partials it replaced made, and every colour is given to a real status."""

from acceptance.models import ObjectionStatus, ReviewStatus
from enterprises.models import VerificationStatus
from filings.models import Status
from implementation.models import ComplaintStatus, PostStatus
from policies.models import VersionStatus
from portal.core.templatetags.badges import BADGES, status_badge
from programs.models import ProgramStatus
from providers.models import PoolStatus, RoundStatus, SolutionStatus
from rankings.models import SnapshotStatus
from samples.models import SampleStatus
from subsidies.models import JobStatus, RunStatus
from supervision.models import RectificationStatus


def test_a_status_badge_is_the_html_the_partials_made():
    assert status_badge("review", "on_hold", "公示暂停") == (
        '<span class="badge review-status review-status-on_hold badge-red-soft">公示暂停</span>'
    )
    assert (
        status_badge("run", "paid", "已支付")
        == '<span class="badge run-status run-status-paid badge-gold">已支付</span>'
    )
    assert status_badge("round", "draft", "筹备中") == '<span class="badge badge-grey">筹备中</span>'
    assert status_badge("post", "pending", "待确认") == '<span class="badge badge-amber">待确认</span>'
    assert status_badge("filing", Status.APPROVED, "<b>") == '<span class="badge badge-green">&lt;b&gt;</span>'


def test_every_colour_is_given_to_a_real_status():
    statuses = {
        "filing": Status.values,
        "review": ReviewStatus.values,
        "run": RunStatus.values,
        "payment": ["paid", "partly", "unpaid", "none"],
        "round": RoundStatus.values,
        "pool": PoolStatus.values,
        "solution": SolutionStatus.values,
        "post": PostStatus.values,
        "complaint": ComplaintStatus.values,
        "snapshot": SnapshotStatus.values,
        "objection": ObjectionStatus.values,
        "rectification": RectificationStatus.values,
        "ledger_job": JobStatus.values,
        "program": ProgramStatus.values,
        "verification": VerificationStatus.values,
        "policy_version": VersionStatus.values,
        "sample": SampleStatus.values,
    }
    assert set(BADGES) == set(statuses)
    for kind, badge in BADGES.items():
        assert set(badge.colours) <= set(statuses[kind]), kind
