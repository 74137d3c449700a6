"""The acceptance report PDF: made by the Celery task, Chinese text extractable, one page per section, one file
per review state however often the task runs; page 1 kept as a PNG artefact."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from acceptance import services
from acceptance.models import AcceptanceReportFile, ReportJob
from acceptance.tasks import render_report_task
from tests.support.acceptance import access_of
from tests.support.paths import SHOTS

pytestmark = pytest.mark.django_db
SECTIONS = ["一、项目概况", "二、交付的应用场景", "三、专家评分", "四、财务审计"]


def test_the_task_renders_one_report_per_review_state(passed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(access=access_of("wuyi-enterprise2"), review=passed)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    report = job.report
    pdf = PdfReader(BytesIO(report.file.read()))
    texts = [page.extract_text() for page in pdf.pages]
    assert len(texts) == len(SECTIONS) == report.pages
    for heading, text in zip(SECTIONS, texts, strict=True):
        assert heading in text
    assert "武义县金厨不锈钢制品有限公司" in texts[0] and "浙江数智工联科技有限公司" in texts[0]
    assert "80.00" in texts[0] and "验收通过" in texts[0]
    assert "武义县经济商务局" in texts[0]
    assert "订单管理" in texts[2]  # each expert's item scores

    again = ReportJob.objects.create(review=passed, requested_by=job.requested_by)
    assert render_report_task.apply(args=[again.pk]).get() == report.pk
    assert render_report_task.apply(args=[job.pk]).get() == report.pk
    assert AcceptanceReportFile.objects.filter(review=passed).count() == 1

    import pypdfium2

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = pypdfium2.PdfDocument(report.file.open("rb").read())[0]
    page.render(scale=1.5).to_pil().save(SHOTS / "30-acceptance-report-page1.png")
    assert (SHOTS / "30-acceptance-report-page1.png").stat().st_size > 10_000


def test_a_changed_review_gets_a_new_report_and_the_old_one_is_kept(passed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_request(access=access_of("wuyi-reviewer"), review=passed)
    from datetime import date

    services.announcement_open(access=access_of("wuyi-reviewer"), review=passed, starts_on=date(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        second = services.report_request(access=access_of("wuyi-reviewer"), review=passed)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.report_id != second.report_id
    files = AcceptanceReportFile.objects.filter(review=passed)
    assert files.count() == 2 and files.filter(is_active=True).get() == second.report
    text = PdfReader(BytesIO(second.report.file.read())).pages[0].extract_text()
    assert "公示期" in text


def test_the_browser_requests_the_report_follows_its_job_and_downloads_it(
    passed, client, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="wuyi-enterprise2"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/p/wuyi-2024/acceptance/{passed.pk}/report/")
    job = ReportJob.objects.get(review=passed)
    assert response.status_code == 302 and f"report_job={job.pk}" in response.url
    state = client.get(f"/p/wuyi-2024/acceptance/{passed.pk}/report/jobs/{job.pk}/").json()
    assert (state["status"], state["progress"]) == ("done", 100) and state["download"]
    pdf = client.get(state["download"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert "report" in client.get(f"/p/wuyi-2024/acceptance/{passed.pk}/").content.decode()

    client.force_login(get_user_model().objects.get(username="yongkang-reviewer"))
    assert client.get(f"/p/wuyi-2024/acceptance/{passed.pk}/report/jobs/{job.pk}/").status_code == 404
    assert client.get(state["download"]).status_code == 404
    assert client.get(state["download"].replace("wuyi-2024", "yongkang-2024")).status_code == 404


def test_the_public_announcement_is_public_only_for_a_public_program(passed, client):
    from datetime import date

    from programs.models import Program

    services.announcement_open(access=access_of("wuyi-reviewer"), review=passed, starts_on=date(2026, 12, 1))
    client.logout()
    Program.objects.filter(slug="wuyi-2024").update(is_public=False)
    assert client.get("/p/wuyi-2024/announcement/").status_code == 302  # not public: log in first
    Program.objects.filter(slug="wuyi-2024").update(is_public=True)
    page = client.get("/p/wuyi-2024/announcement/")
    assert page.status_code == 200 and "炊具车间轻量化数字化改造" in page.content.decode()
    assert client.get(f"/p/wuyi-2024/acceptance/{passed.pk}/").status_code == 302  # the review itself stays private
