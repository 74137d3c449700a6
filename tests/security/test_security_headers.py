"""Response headers and the surface a visitor sees: every page carries the Content-Security-Policy and the
Permissions-Policy, no template runs inline script (so the policy can forbid it), and the API schema and its
reference pages are behind login when the setting says so (production's default)."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.factories import UserFactory
from tests.support.browser import log_in
from tests.support.paths import ROOT

# WeasyPrint renders these to PDF on the server; no browser ever runs them.
PDF_TEMPLATES = re.compile(r"/pdf/")


def templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    for folder in folders:
        if ".venv" in folder.parts:
            continue
        for path in folder.rglob("*.html"):
            if not PDF_TEMPLATES.search(path.as_posix()):
                yield path


@pytest.mark.django_db
def test_a_page_carries_the_content_security_policy_and_permissions_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_no_template_runs_inline_script_or_inline_styles():
    """An inline <script>, an on…= handler, a javascript: URL or a style= attribute would be refused by the
    policy; <script src> and <script type="application/json"> (json_script) are fine."""
    offending = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            if "src=" not in attributes and "application/json" not in attributes:
                offending.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offending.append(f"{path.relative_to(ROOT)}: on…= handler")
        if "javascript:" in text:
            offending.append(f"{path.relative_to(ROOT)}: javascript: URL")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offending.append(f"{path.relative_to(ROOT)}: inline style")
    assert offending == []
    assert len(list(templates())) > 50  # the scan saw the templates


def test_static_assets_come_from_the_portal_itself():
    """No template loads a script, a style sheet or a font from another site."""
    foreign = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<(?:script|link)\b[^>]*(?:src|href)=\"(https?:)?//", text):
            foreign.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert foreign == []


API_DOCS = ["/api/schema/", "/api/docs/", "/api/redoc/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_DOCS)
def test_the_api_docs_need_a_login_when_the_setting_says_so(client, settings, url):
    settings.API_DOCS_REQUIRE_LOGIN = True
    refused = client.get(url)
    assert refused.status_code in (401, 403)  # 401 when the token scheme answers first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_DOCS)
def test_the_api_docs_are_public_when_the_setting_allows(client, settings, url):
    settings.API_DOCS_REQUIRE_LOGIN = False
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_swagger_page_loads_its_start_up_script_from_its_own_url(client):
    page = client.get("/api/docs/")
    assert b'src="/api/docs/?script=' in page.content
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_production_sends_the_headers_and_hides_the_api_docs_unless_told_otherwise():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example",
    }
    environment.pop("API_DOCS_REQUIRE_LOGIN", None)
    probe = (
        "from django.conf import settings; "
        "print('portal.core.middleware.SecurityHeadersMiddleware' in settings.MIDDLEWARE, "
        "settings.API_DOCS_REQUIRE_LOGIN)"
    )
    command = [sys.executable, "-c", f"import django; django.setup(); {probe}"]
    default = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, check=True)
    assert default.stdout.strip() == "True True"  # production sends the headers and hides the docs
    opened = subprocess.run(
        command, env={**environment, "API_DOCS_REQUIRE_LOGIN": "false"}, cwd=ROOT, capture_output=True, text=True
    )
    assert opened.stdout.strip() == "True False"


# --- in the browser ------------------------------------------------------------------------------------------

VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_run_under_the_policy_without_violations(live_server, browser_page):
    from demo.build import demo_build
    from filings.models import Application

    demo_build()
    page, base = browser_page, live_server.url
    page.add_init_script(VIOLATIONS)
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else 0)

    page.goto(f"{base}/accounts/login/")
    assert page.evaluate("document.documentElement.classList.contains('js')")  # portal.js ran
    log_in(page, base, "wuyi-reviewer")
    project = Application.objects.filter(program__slug="wuyi-2024", status="approved").first()
    visited = [
        f"{base}/p/wuyi-2024/",
        f"{base}/p/wuyi-2024/pilots/announcement/",
        f"{base}/api/docs/",
        f"{base}/api/redoc/",
    ]
    if project is not None:
        visited.insert(1, f"{base}/p/wuyi-2024/filings/{project.pk}/progress/")
    for url in visited:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if "/api/redoc/" in url:
            # ReDoc's sidebar asks for its maker's logo from cdn.redoc.ly: the policy refuses it, as it should.
            page.wait_for_selector(".api-content", timeout=30000)
            violations = page.evaluate("window.__cspViolations")
            assert set(violations) <= {"img-src https://cdn.redoc.ly/redoc/logo-mini.svg"}, url
            continue
        assert page.evaluate("window.__cspViolations") == [], url
        if "/progress/" in url:
            bar = page.locator("progress.progress-bar").first
            assert bar.count() == 1 and float(bar.get_attribute("value")) >= 0
        if "/announcement/" in url:
            assert page.locator("button[data-print]").is_visible()
        if "/api/docs/" in url:
            page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert [text for text in seen if "cdn.redoc.ly" not in text] == []
    assert settings.CONTENT_SECURITY_POLICY["script-src"] == ["'self'"]
