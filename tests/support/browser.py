"""Driving Debian's Chromium through Playwright: logging a demo user in."""

from django.conf import settings


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_load_state("networkidle")
