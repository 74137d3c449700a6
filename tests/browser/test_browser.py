"""A bureau reviewer's journey in Debian's Chromium: log in, switch program, open the scenario catalogue,
switch to English. Screenshots are kept in artifacts/screenshots/."""

import pytest
from django.conf import settings
from django.utils import timezone

from tests.support.browser import log_in
from tests.support.paths import SHOTS


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_journey(live_server, browser_page):
    from demo.build import demo_build

    demo_build()
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.screenshot(path=SHOTS / "01-login.png", full_page=True)

    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("form.login-form button[type=submit], main button[type=submit].btn-primary")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=武义轻量级数改").first.is_visible()
    page.screenshot(path=SHOTS / "02-programs.png", full_page=True)

    page.click("a[href='/p/wuyi-2024/']")
    page.wait_for_url("**/p/wuyi-2024/")
    assert "武义县经济商务局" in page.content()
    page.screenshot(path=SHOTS / "03-wuyi-dashboard.png", full_page=True)

    switcher = page.locator("[data-program-switcher]")
    switcher.locator("summary").click()
    switcher.locator("a[href='/p/yongkang-2024/']").click()
    page.wait_for_url("**/p/yongkang-2024/")
    assert "永康市经济和信息化局" in page.content()

    page.click("a[href='/p/yongkang-2024/scenarios/']")
    page.wait_for_url("**/p/yongkang-2024/scenarios/**")
    body = page.content()
    assert "订单透视" in body and "上下游协同" in body and "51" in body
    page.screenshot(path=SHOTS / "04-yongkang-scenarios-zh.png", full_page=True)

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    body = page.content()
    assert "Scenario catalogue" in body
    assert "Upstream and Downstream Collaboration" in body or "Collaboration" in body
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=SHOTS / "05-yongkang-scenarios-en.png", full_page=True)


def act(page, action, comment=""):
    form = page.locator(f"form.filing-action-{action}")
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_filing_journey(live_server, browser_page):
    """An enterprise files and submits, a reviewer returns it, the enterprise resubmits, the reviewer approves."""
    from django.contrib.auth import get_user_model

    from demo.activity import DEMO_CONTRACT, demo_pdf
    from demo.build import demo_build
    from filings.models import Application
    from programs.models import ScenarioModule
    from providers.models import PoolMembership

    demo_build()
    page, base = browser_page, live_server.url
    module = ScenarioModule.objects.filter(program__slug="wuyi-2024", kind="N", investment_category="software").first()
    provider = get_user_model().objects.get(username="wuyi-provider").organisation
    membership = PoolMembership.objects.get(program__slug="wuyi-2024", organisation=provider)

    log_in(page, base, "wuyi-enterprise")
    page.goto(f"{base}/p/wuyi-2024/filings/new/")
    page.fill("input[name=title]", "浏览器申报：车间看板")
    page.select_option("select[name=track]", "lightweight")
    page.select_option("select[name=provider]", str(membership.pk))
    page.select_option("select[name=lines-0-module]", str(module.pk))
    page.select_option("select[name=lines-0-part]", "N")
    page.select_option("select[name=lines-0-category]", "software")
    page.fill("input[name=lines-0-amount]", "260000")
    for name, value in {**DEMO_CONTRACT, "contract_budget": "260000"}.items():
        page.fill(f"[name={name}]", str(value))
    page.screenshot(path=SHOTS / "10-filing-form.png", full_page=True)
    with page.expect_navigation():
        page.click("main form[method=post] button.btn-primary[type=submit]")
    assert "260,000.00" in page.content()
    upload = page.locator("form.upload-form")
    upload.locator("select[name=kind]").select_option("contract")
    contract = {"name": "服务合同.pdf", "mimeType": "application/pdf", "buffer": demo_pdf("browser contract")}
    upload.locator("input[name=file]").set_input_files(contract)
    with page.expect_navigation():
        upload.locator("button[type=submit]").click()
    assert "服务合同.pdf" in page.content()
    page.screenshot(path=SHOTS / "11-filing-draft.png", full_page=True)
    act(page, "submit")
    application = Application.objects.get(title="浏览器申报：车间看板")
    assert application.status == "submitted"

    log_in(page, base, "wuyi-provider")
    page.goto(f"{base}/p/wuyi-2024/filings/{application.pk}/")
    with page.expect_navigation():
        page.click("button[name=decision][value=accept]")
    application.refresh_from_db()
    assert application.provider_response == "accepted"

    log_in(page, base, "wuyi-reviewer")
    page.goto(f"{base}/p/wuyi-2024/filings/?status=submitted")
    page.screenshot(path=SHOTS / "12-review-queue.png", full_page=True)
    with page.expect_navigation():
        page.click(f"a[href='/p/wuyi-2024/filings/{application.pk}/']")
    act(page, "return", "请补充X部分报价单")
    application.refresh_from_db()
    assert application.status == "returned"

    log_in(page, base, "wuyi-enterprise")
    page.goto(f"{base}/p/wuyi-2024/filings/{application.pk}/edit/")
    page.fill("input[name=lines-0-amount]", "280000")
    page.fill("[name=contract_budget]", "280000")
    with page.expect_navigation():
        page.click("main form[method=post] button.btn-primary[type=submit]")
    assert "请补充X部分报价单" in page.content()
    act(page, "resubmit")

    log_in(page, base, "wuyi-reviewer")
    page.goto(f"{base}/p/wuyi-2024/filings/{application.pk}/")
    act(page, "approve")
    page.screenshot(path=SHOTS / "13-filing-approved.png", full_page=True)
    application.refresh_from_db()
    assert application.status == "approved" and application.filing_number in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_selection_and_progress_journey(live_server, browser_page, tmp_path):
    """A committee member scores, the reviewer confirms and publishes the round, the provider posts progress
    with a photo, the enterprise confirms it."""
    from demo.activity import demo_png
    from demo.build import demo_build
    from filings.models import Application
    from implementation.models import Milestone, ProgressPost
    from providers.models import ProviderSelection, SelectionRound

    demo_build()
    page, base = browser_page, live_server.url
    page.on("dialog", lambda dialog: dialog.accept())  # the pages ask before confirming and publishing
    selection_round = SelectionRound.objects.get(program__slug="wuyi-2024", status="scoring")
    entry = selection_round.applications.get()

    log_in(page, base, "wuyi-committee")
    page.goto(f"{base}/p/wuyi-2024/rounds/{selection_round.pk}/applicants/{entry.pk}/sheet/")
    inputs = page.locator("form.sheet-form input[name^=item_]")
    for index in range(inputs.count()):
        inputs.nth(index).fill(str(18 + index))
    page.screenshot(path=SHOTS / "20-committee-sheet.png", full_page=True)
    with page.expect_navigation():
        page.click("form.sheet-form button[name=submit][value='1']")
    assert entry.sheets.get(member__username="wuyi-committee").total == 18 + 19 + 20 + 21

    log_in(page, base, "wuyi-reviewer")
    page.goto(f"{base}/p/wuyi-2024/rounds/{selection_round.pk}/")
    with page.expect_navigation():
        page.click(f"form[action$='/rounds/{selection_round.pk}/confirm/'] button[type=submit]")
    page.fill("form[action$='/publish/'] input[name=published_on]", f"{timezone.localdate():%Y-%m-%d}")
    with page.expect_navigation():
        page.click("form[action$='/publish/'] button[type=submit]")
    page.screenshot(path=SHOTS / "21-round-published.png", full_page=True)
    selection_round.refresh_from_db()
    assert selection_round.status == "published"
    assert ProviderSelection.objects.filter(round=selection_round, membership=entry.membership).exists()
    assert entry.membership.organisation.name in page.content()

    project = Application.objects.get(program__slug="wuyi-2024", title="炊具车间轻量化数字化改造")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(demo_png())
    second = Milestone.objects.get(application=project, number=2)
    log_in(page, base, "wuyi-provider")
    page.goto(f"{base}/p/wuyi-2024/filings/{project.pk}/progress/")
    page.select_option("select[name=milestone]", str(second.pk))
    page.fill("input[name=percent]", "70")
    page.fill("textarea[name=text]", "浏览器上报：看板已上线")
    page.set_input_files("input[name=files]", str(photo))
    with page.expect_navigation():
        page.click("form[action$='/progress/post/'] button[type=submit]")
    post = ProgressPost.objects.get(application=project, text="浏览器上报：看板已上线")
    assert post.evidence.get().original_name == "现场照片.png"
    page.screenshot(path=SHOTS / "22-progress-posted.png", full_page=True)

    log_in(page, base, "wuyi-enterprise2")
    page.goto(f"{base}/p/wuyi-2024/filings/{project.pk}/progress/")
    assert page.locator("img[src*='/evidence/']").count() >= 1
    with page.expect_navigation():
        page.click(f"form[action$='/progress/{post.pk}/respond/'] button[value=confirm]")
    post.refresh_from_db()
    second.refresh_from_db()
    assert post.status == "confirmed" and second.percent == 70
    page.screenshot(path=SHOTS / "23-progress-confirmed.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_acceptance_journey(live_server, browser_page, tmp_path, django_capture_on_commit_callbacks):
    """The reviewer seats a panel of two, both experts score, the auditor records the amounts with a report,
    the reviewer closes the review (passed) and opens the announcement; the report PDF's first page is kept."""
    from django.contrib.auth import get_user_model

    from acceptance import services as acceptance
    from acceptance.models import AcceptanceReview, ReportJob
    from demo.build import demo_build
    from filings.models import Application
    from implementation import services as implementation
    from programs.access import program_access
    from programs.models import Program

    demo_build()
    program = Program.objects.get(slug="wuyi-2024")
    Program.objects.filter(pk=program.pk).update(acceptance_min_experts=2)
    users = get_user_model().objects

    def access_of(username):
        return program_access(user=users.get(username=username), slug="wuyi-2024")

    project = Application.objects.get(program=program, title="炊具车间轻量化数字化改造")
    milestones = list(project.milestones.order_by("number"))
    for milestone in milestones[1:]:
        post = implementation.progress_post(
            access=access_of("wuyi-provider"),
            application=project,
            milestone=milestone,
            percent=100,
            text="完成",
            claims_completion=milestone == milestones[-1],
        )
        implementation.progress_respond(access=access_of("wuyi-enterprise2"), post=post, confirm=True)
    amounts = {"n_software": 200000, "n_hardware": 0, "x_software": 0, "x_hardware": 60000, "automation": 0}
    review = acceptance.acceptance_request(
        access=access_of("wuyi-enterprise2"), application=project, deliverables="MES、看板、采集终端", amounts=amounts
    )
    acceptance.acceptance_cosign(access=access_of("wuyi-provider"), review=review)
    second = users.get(username="wuyi-expert2")  # the demo's second expert

    page, base = browser_page, live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    review_url = f"{base}/p/wuyi-2024/acceptance/{review.pk}/"

    log_in(page, base, "wuyi-reviewer")
    page.goto(review_url)
    for expert in (users.get(username="wuyi-expert"), second):
        page.check(f"form.panel-form input[name=experts][value='{expert.pk}']")
    page.select_option("form.panel-form select[name=financial_auditor]", str(users.get(username="wuyi-finaudit").pk))
    page.screenshot(path=SHOTS / "31-acceptance-panel.png", full_page=True)
    with page.expect_navigation():
        page.click("form.panel-form button[type=submit]")
    assert AcceptanceReview.objects.get(pk=review.pk).status == "panel"

    for username, share in (("wuyi-expert", "0.9"), ("wuyi-expert2", "0.8")):
        log_in(page, base, username)
        page.goto(f"{review_url}sheet/")
        inputs = page.locator("form.sheet-form input[name^=item_]")
        for index in range(inputs.count()):
            maximum = float(inputs.nth(index).get_attribute("max"))
            inputs.nth(index).fill(f"{maximum * float(share):.2f}")
        if username == "wuyi-expert":
            page.screenshot(path=SHOTS / "32-acceptance-sheet.png", full_page=True)
        with page.expect_navigation():
            page.click("form.sheet-form button[name=submit][value='1']")

    report_pdf = tmp_path / "审计报告.pdf"
    report_pdf.write_bytes(b"%PDF-1.4\n% audit report\n%%EOF\n")
    log_in(page, base, "wuyi-finaudit")
    page.goto(review_url)
    page.fill("form.audit-form input[name=x_hardware]", "50000")
    page.fill("form.audit-form textarea[name=conclusion]", "发票与付款相符，X部分硬件核减1万元。")
    page.set_input_files("form.audit-form input[name=report]", str(report_pdf))
    with page.expect_navigation():
        page.click("form.audit-form button[type=submit]")
    review.refresh_from_db()
    assert review.status == "audited" and review.audit.x_hardware == 50000

    log_in(page, base, "wuyi-reviewer")
    page.goto(review_url)
    with page.expect_navigation():
        page.click(f"form[action$='/acceptance/{review.pk}/close/'] button[type=submit]")
    review.refresh_from_db()
    assert (review.status, str(review.score)) == ("passed", "85.00")
    page.fill(f"form[action$='/acceptance/{review.pk}/announce/'] input[name=starts_on]", "2026-12-01")
    with page.expect_navigation():
        page.click(f"form[action$='/acceptance/{review.pk}/announce/'] button[type=submit]")
    review.refresh_from_db()
    assert review.status == "announcing"
    page.screenshot(path=SHOTS / "33-acceptance-announcing.png", full_page=True)
    page.goto(f"{base}/p/wuyi-2024/announcement/")
    assert "炊具车间轻量化数字化改造" in page.content()
    page.screenshot(path=SHOTS / "34-announcement.png", full_page=True)

    page.goto(review_url)
    with page.expect_navigation():
        page.click(f"form[action$='/acceptance/{review.pk}/report/'] button[type=submit]")
    # With a worker the bar fills and the link appears; with in-process tasks the file is listed at once.
    page.wait_for_selector("[data-job-download]:not([hidden]), a[href*='/report/files/']", timeout=60_000)
    job = ReportJob.objects.filter(review=review).latest("pk")
    assert job.status == "done" and job.report.pages == 4
    page.screenshot(path=SHOTS / "35-acceptance-report-ready.png", full_page=True)

    import pypdfium2

    pdf = pypdfium2.PdfDocument(job.report.file.open("rb").read())
    pdf[0].render(scale=1.5).to_pil().save(SHOTS / "36-acceptance-report-pdf-page1.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_calculation_run_journey(live_server, browser_page, tmp_path):
    """The reviewer creates a run and marks the demo's draft reviewed, a second reviewer approves it, a payment is
    recorded on a line, a what-if is compared, and the auditor downloads the run's ledger."""

    from openpyxl import load_workbook

    from demo.build import demo_build
    from demo.runs import demo_runs_build
    from subsidies.models import CalculationRun, Payment

    demo_build()
    demo_runs_build()
    page, base = browser_page, live_server.url
    page.on("dialog", lambda dialog: dialog.accept())  # approval and batch payment ask first
    runs_url = f"{base}/p/wuyi-2024/runs/"
    draft = CalculationRun.objects.get(program__slug="wuyi-2024", status="draft")

    log_in(page, base, "wuyi-reviewer")
    page.goto(runs_url)
    page.fill("form[action$='/runs/'] input[name=title]", "浏览器新建核算批次")
    with page.expect_navigation():
        page.click("form[action$='/runs/'] button[type=submit]")
    created = CalculationRun.objects.get(program__slug="wuyi-2024", title="浏览器新建核算批次")
    assert created.job_status == "done" and created.generation == 1
    page.screenshot(path=SHOTS / "40-run-created.png", full_page=True)
    page.goto(f"{runs_url}{draft.pk}/")
    with page.expect_navigation():
        page.click(f"form[action$='/runs/{draft.pk}/review/'] button[type=submit]")
    draft.refresh_from_db()
    assert draft.status == "reviewed"

    log_in(page, base, "reviewer")
    page.goto(f"{runs_url}{draft.pk}/")
    with page.expect_navigation():
        page.click(f"form[action$='/runs/{draft.pk}/approve/'] button[type=submit]")
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.approved_by.username == "reviewer"
    page.screenshot(path=SHOTS / "41-run-approved.png", full_page=True)
    line = draft.lines.filter(generation=draft.generation).order_by("position").first()
    page.goto(f"{runs_url}{draft.pk}/lines/{line.pk}/")
    page.fill(f"form[action$='/lines/{line.pk}/pay/'] input[name=voucher]", "WY-BROWSER-0001")
    with page.expect_navigation():
        page.click(f"form[action$='/lines/{line.pk}/pay/'] button[type=submit]")
    payment = Payment.objects.get(line=line)
    assert payment.voucher == "WY-BROWSER-0001" and payment.amount == line.total
    assert "WY-BROWSER-0001" in page.content()
    page.screenshot(path=SHOTS / "42-run-line-paid.png", full_page=True)
    page.goto(f"{runs_url}{draft.pk}/what-if/?overrides=x_rate%3D0.50")
    assert "+" in page.locator("main").inner_text() or "-" in page.locator("main").inner_text()
    page.screenshot(path=SHOTS / "43-run-what-if.png", full_page=True)

    log_in(page, base, "wuyi-auditor")
    page.goto(f"{runs_url}{draft.pk}/")
    assert page.locator(f"form[action$='/runs/{draft.pk}/pay/']").count() == 0  # the auditor only reads
    with page.expect_download() as download:
        page.click(f"a[href$='/runs/{draft.pk}/ledger/?download=1']")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    workbook = load_workbook(saved)
    assert workbook.sheetnames == ["汇总", "台账"]
    header = next(workbook["台账"].iter_rows(values_only=True))
    assert "统一社会信用代码" in header
    page.screenshot(path=SHOTS / "44-run-auditor.png", full_page=True)
