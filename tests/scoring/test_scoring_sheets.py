"""Score sheets as data: the seeded sheets add up as scoring.md says, are readable in the program, are fixed
once used, and change by a new version."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from programs.models import Program
from scoring.models import SheetItem, SheetTemplate
from scoring.services import sheet_template_in_use, sheet_template_new_version

pytestmark = pytest.mark.django_db


def maxima(template):
    items = SheetItem.objects.filter(section__template=template)
    return {
        section.name: sum((i.max_points for i in items if i.section_id == section.pk), Decimal("0"))
        for section in template.sections.all()
    }


def test_the_seeded_sheets_have_the_sections_and_maxima_of_scoring_md():
    wuyi = SheetTemplate.objects.get(program__slug="wuyi-2024", code="provider-selection")
    assert maxima(wuyi) == {"行业服务能力": 25, "行业落地案例": 25, "项目团队力量": 25, "整体解决方案": 25}
    jinhua = SheetTemplate.objects.get(program__slug="jinhua-pilot", code="provider-selection")
    assert maxima(jinhua) == {"基础服务能力": 30, "现有服务成效": 30, "改造服务模式": 20, "典型案例演示": 20}
    assert [s.name for s in jinhua.sections.order_by("number")][0] == "基础服务能力"


def test_every_role_reads_the_sheets_and_outsiders_get_404(client):
    template = SheetTemplate.objects.get(program__slug="wuyi-2024", code="provider-selection")
    provider = get_user_model().objects.get(username="wuyi-provider")
    client.force_login(provider)
    page = client.get(f"/p/wuyi-2024/sheets/{template.pk}/").content.decode()
    assert "行业落地案例" in page and "25.00" in page
    assert template.name in client.get("/p/wuyi-2024/sheets/").content.decode()
    client.force_login(get_user_model().objects.get(username="jinhua-provider"))
    assert client.get(f"/p/wuyi-2024/sheets/{template.pk}/").status_code == 404
    assert client.get(f"/p/jinhua-pilot/sheets/{template.pk}/").status_code == 404


def test_a_sheet_in_use_is_fixed_in_admin_and_changes_by_a_new_version(client):
    template = SheetTemplate.objects.get(program__slug="wuyi-2024", code="provider-selection")
    assert sheet_template_in_use(template)  # the demo's rounds scored on it
    admin = get_user_model().objects.get(username="wuyi-admin")
    client.force_login(admin)
    change_url = f"/admin/scoring/sheettemplate/{template.pk}/change/"
    response = client.post(change_url, {"name": "改名", "code": template.code})
    template.refresh_from_db()
    assert template.name != "改名"
    copy = sheet_template_new_version(template=template, acting_user=admin)
    template.refresh_from_db()
    assert (copy.version, copy.is_active, template.is_active) == (template.version + 1, True, False)
    assert maxima(copy) == maxima(template)
    assert not sheet_template_in_use(copy)
    response = client.get(f"/admin/scoring/sheettemplate/{copy.pk}/change/")
    assert response.status_code == 200 and 'name="name"' in response.content.decode()
    assert Program.objects.get(slug="wuyi-2024").sheet_templates.filter(code=template.code).count() == 2
