"""A run of more lines than `RUN_APPROVAL_INLINE_LINES` is approved by a background job with progress (issue 24,
finding 5): the request answers at once, the page and the API follow the job, nothing else may move the run while
it is under way, and a failed approval keeps nothing and is tried again on the same record. A small run is still
approved within the request. (The worker killed mid-approval is in tests/faults/test_job_faults.py.)"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from portal.core import jobs
from subsidies import allocation, approvals, runs
from subsidies.models import CalculationRun, FundingPool, PoolAllocation, RunApproval, RunLine
from tests.support.people import access_in, api, second_reviewer
from tests.support.runs import calculated_run
from tests.support.urls import urls_in

pytestmark = pytest.mark.django_db
D = Decimal
PROGRAM = "jinhua-pilot"
access_of = access_in(PROGRAM)
url = urls_in("api", PROGRAM)


@pytest.fixture
def reviewed_run(jinhua_projects, settings):
    """Jinhua's worked examples calculated and reviewed, with a central pool of 400,000 that runs out mid-line;
    any run of more than one line is approved in the background."""
    settings.RUN_APPROVAL_INLINE_LINES = 1
    runs.pool_save(access=access_of("jinhua-admin"), source="central", budget="400000", reason="下达")
    run = calculated_run()
    runs.run_review(access=access_of("jinhua-reviewer"), run=run)
    run.refresh_from_db()
    assert run.line_count == 3
    return run


@pytest.fixture
def approver_user():
    return second_reviewer(PROGRAM, username=f"api-runs-{PROGRAM}-second")


def allocations_of(run):
    return PoolAllocation.objects.filter(line__run=run)


def central_allocated():
    return FundingPool.objects.get(program__slug="jinhua-pilot", source="central").allocated


def test_a_large_run_is_approved_by_a_job_that_the_api_and_the_page_follow(
    reviewed_run, approver_user, client, django_capture_on_commit_callbacks
):
    approver = api(approver_user)
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the broker has not handed the job over
        response = approver.post(url("run-approve", run=reviewed_run.pk), {"comment": "同意拨付"}, format="json")

    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "reviewed" and body["approval"]["status"] == "queued"
    assert body["approval"]["requested_by"] == str(approver_user)
    assert allocations_of(reviewed_run).count() == 0 and central_allocated() == 0
    followed = approver.get(url("run-approval", run=reviewed_run.pk))
    assert followed.status_code == 200 and followed.json()["id"] == body["approval"]["id"]

    # while it is under way nothing else moves the run: no second approval, no return to draft
    again = approver.post(url("run-approve", run=reviewed_run.pk), {"comment": "再批"}, format="json")
    assert again.status_code == 409, again.json()
    back = api("jinhua-reviewer").post(url("run-return", run=reviewed_run.pk), {"comment": "退回"}, format="json")
    assert back.status_code == 409, back.json()

    client.force_login(approver_user)
    page = client.get(f"/p/jinhua-pilot/runs/{reviewed_run.pk}/").content.decode()
    progress_url = f"/p/jinhua-pilot/runs/{reviewed_run.pk}/approval/progress/"
    assert progress_url in page and f"/p/jinhua-pilot/runs/{reviewed_run.pk}/approve/" not in page
    assert client.get(progress_url).json()["status"] == "queued"

    for callback in queued:  # the broker takes the job; Celery runs eagerly in tests
        callback()

    reviewed_run.refresh_from_db()
    approval = RunApproval.objects.get(run=reviewed_run)
    assert (reviewed_run.status, reviewed_run.approved_by) == ("approved", approver_user)
    assert (approval.status, approval.progress, approval.requested_by) == ("done", 100, approver_user)
    central_shares = [line.central for line in RunLine.objects.filter(run=reviewed_run) if line.central]
    assert central_allocated() == D("400000.00")  # the only pool, drawn to its end
    assert reviewed_run.unfunded_total == sum(central_shares) - D("400000.00") > 0
    assert allocations_of(reviewed_run).count() == len(central_shares) == 3
    assert reviewed_run.transitions.filter(action="approve", actor=approver_user, comment="同意拨付").count() == 1
    assert [row.status for row in approval.history.order_by("history_id")] == ["queued", "running", "done"]
    final = approver.get(url("run-detail", run=reviewed_run.pk)).json()
    assert (final["status"], final["approval"]["status"], final["approval"]["progress"]) == ("approved", "done", 100)
    assert client.get(progress_url).json()["status"] == "done"


def test_a_failed_approval_keeps_nothing_and_is_tried_again_on_the_same_record(
    reviewed_run, approver_user, client, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(claims, remaining):
        raise RuntimeError("index out of range in allocate()")

    monkeypatch.setattr(allocation, "allocate", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs (eagerly) and fails
        response = api(approver_user).post(url("run-approve", run=reviewed_run.pk), {"comment": "同意"}, format="json")

    assert response.status_code == 202, response.json()
    approval = RunApproval.objects.get(run=reviewed_run)
    reviewed_run.refresh_from_db()
    assert approval.status == "failed" and reviewed_run.status == "reviewed"
    with translation.override(settings.LANGUAGE_CODE):
        assert approval.message == jobs.failure_reason(RuntimeError())  # a sentence in Chinese, not the error
    assert "allocate" not in approval.message
    assert allocations_of(reviewed_run).count() == 0 and central_allocated() == 0
    assert not reviewed_run.transitions.filter(action="approve").exists()

    client.force_login(approver_user)
    retry = f"/p/jinhua-pilot/runs/{reviewed_run.pk}/approval/retry/"
    page = client.get(f"/p/jinhua-pilot/runs/{reviewed_run.pk}/").content.decode()
    assert retry in page and approval.message in page
    refused = api("jinhua-auditor").post(url("run-approval-retry", run=reviewed_run.pk))
    assert refused.status_code == 403
    by_creator = api("jinhua-reviewer").post(url("run-approval-retry", run=reviewed_run.pk))
    assert by_creator.status_code == 403  # the run's creator does not approve it, not even by a retry

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302

    approval.refresh_from_db(), reviewed_run.refresh_from_db()
    assert (approval.status, reviewed_run.status) == ("done", "approved")
    assert RunApproval.objects.filter(run=reviewed_run).count() == 1  # the same record, tried again
    assert allocations_of(reviewed_run).count() == 3 and central_allocated() == D("400000.00")
    again = api(approver_user).post(url("run-approval-retry", run=reviewed_run.pk))
    assert again.status_code == 409  # only a failed approval is tried again


def test_a_small_run_is_approved_within_the_request_without_a_job(reviewed_run, approver_user, settings):
    settings.RUN_APPROVAL_INLINE_LINES = 3
    response = api(approver_user).post(url("run-approve", run=reviewed_run.pk), {"comment": "同意"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved" and response.json()["approval"] is None
    assert not RunApproval.objects.filter(run=reviewed_run).exists()
    assert api(approver_user).get(url("run-approval", run=reviewed_run.pk)).status_code == 404


def test_commands_approve_at_once_whatever_the_size(reviewed_run, approver_user):
    run = approvals.run_approve(access=access_of(approver_user), run=reviewed_run, background=False)
    assert run.status == "approved" and not RunApproval.objects.filter(run=run).exists()
    assert CalculationRun.objects.get(pk=run.pk).status == "approved"


def test_the_sweeper_fails_a_silent_approval_like_any_job(
    reviewed_run, approver_user, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    with django_capture_on_commit_callbacks(execute=False):
        approvals.run_approve(access=access_of(approver_user), run=reviewed_run)
    approval = RunApproval.objects.get(run=reviewed_run)
    RunApproval.objects.filter(pk=approval.pk).update(status="running", updated_at=timezone.now() - timedelta(hours=1))

    assert jobs.jobs_sweep(stale_seconds=600) == [("approval", approval.pk)]
    approval.refresh_from_db()
    with translation.override(settings.LANGUAGE_CODE):
        assert approval.status == "failed" and approval.message == str(jobs.STALE_REASON)
    reviewed_run.refresh_from_db()
    assert reviewed_run.status == "reviewed"  # and may be approved again: the retry is offered
