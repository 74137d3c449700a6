"""An enterprise's "learn from samples" journey in Debian's Chromium: open the gallery, open a sample, start a
filing from it, land on the draft's form with the sample's scenario lines, save it. Screenshots are kept in
artifacts/screenshots/ (60–62)."""

import pytest

from tests.support.browser import log_in
from tests.support.paths import SHOTS


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_enterprise_starts_a_filing_from_a_sample(live_server, browser_page, settings, tmp_path):
    from demo.build import demo_build
    from demo.runs import demo_runs_build
    from filings.models import ApplicationLine
    from samples.models import SampleCopy, SampleDesignation

    settings.MEDIA_ROOT = tmp_path
    demo_build()
    demo_runs_build()  # accepted projects, and through demo.samples the designated samples
    sample = SampleDesignation.objects.get(program__slug="wuyi-2024", is_active=True, industry__code="kitchenware")

    def lines(application_id):
        return list(
            ApplicationLine.objects.filter(application_id=application_id, is_active=True)
            .order_by("part", "id")
            .values_list("module_id", "part", "category", "description", "amount")
        )

    expected = lines(sample.application_id)
    assert len(expected) == 6
    before = set(SampleCopy.objects.values_list("pk", flat=True))

    page, base = browser_page, live_server.url
    log_in(page, base, "wuyi-enterprise")
    page.goto(f"{base}/p/wuyi-2024/samples/")
    cards = page.locator(".sample-card")
    assert cards.count() == 1  # the enterprise's own industry (kitchenware) first
    assert "武义炊具示范有限公司" in cards.first.inner_text()
    assert page.locator(".sample-card img").count() >= 1
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SHOTS / "60-sample-gallery.png", full_page=True)

    with page.expect_navigation():
        cards.first.locator("h2 a").click()
    assert page.url.endswith(f"/p/wuyi-2024/samples/{sample.pk}/")
    assert page.locator("table.sample-lines tbody tr").count() == 6
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SHOTS / "61-sample-detail.png", full_page=True)

    page.fill("form.sample-start-form input[name=title]", "参照样本：浏览器学样仿样")
    with page.expect_navigation():
        page.click("form.sample-start-form button[type=submit]")
    copy = SampleCopy.objects.exclude(pk__in=before).get()
    draft = copy.application
    assert page.url.endswith(f"/p/wuyi-2024/filings/{draft.pk}/edit/")
    assert draft.status == "draft" and draft.title == "参照样本：浏览器学样仿样"
    assert lines(draft.pk) == expected
    amounts = sorted(float(page.input_value(f"input[name=lines-{n}-amount]").replace(",", "")) for n in range(6))
    assert amounts == sorted(float(line[4]) for line in expected)
    page.screenshot(path=SHOTS / "62-filing-from-sample.png", full_page=True)

    with page.expect_navigation():
        page.click("main form[method=post] button.btn-primary[type=submit]")
    assert page.url.endswith(f"/p/wuyi-2024/filings/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert lines(draft.pk) == expected  # saved as copied
    assert page.locator(".sample-copied-from").count() == 1
