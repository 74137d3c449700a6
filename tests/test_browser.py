"""A bureau reviewer's journey in Debian's Chromium: log in, switch program, open the scenario catalogue,
switch to English. Screenshots are kept in artifacts/screenshots/."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import chromium_path, need

SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


@pytest.fixture
def browser_page(monkeypatch):
    need(os.path.exists(chromium_path()), f"Chromium is not installed at {chromium_path()}")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread with the ORM
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        yield page
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_journey(live_server, browser_page):
    from programs.demo import demo_build

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


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_load_state("networkidle")


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
    from filings.models import Application
    from programs.demo import demo_build
    from programs.models import ScenarioModule

    demo_build()
    page, base = browser_page, live_server.url
    module = ScenarioModule.objects.filter(program__slug="wuyi-2024", kind="N").first()

    log_in(page, base, "wuyi-enterprise")
    page.goto(f"{base}/p/wuyi-2024/filings/new/")
    page.fill("input[name=title]", "浏览器申报：车间看板")
    page.select_option("select[name=track]", "lightweight")
    page.select_option("select[name=lines-0-module]", str(module.pk))
    page.select_option("select[name=lines-0-part]", "N")
    page.select_option("select[name=lines-0-category]", "software")
    page.fill("input[name=lines-0-amount]", "260000")
    page.screenshot(path=SHOTS / "10-filing-form.png", full_page=True)
    with page.expect_navigation():
        page.click("main form[method=post] button.btn-primary[type=submit]")
    assert "260,000.00" in page.content()
    page.screenshot(path=SHOTS / "11-filing-draft.png", full_page=True)
    act(page, "submit")
    application = Application.objects.get(title="浏览器申报：车间看板")
    assert application.status == "submitted"

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
