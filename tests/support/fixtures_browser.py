"""`browser_page`: a Chromium page through Playwright (skipped, or failed under REQUIRE_SERVICES=1, without
Chromium); screenshots go to artifacts/screenshots/."""

import os

import pytest

from tests.support.environment import chromium_path, need
from tests.support.paths import SHOTS


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
