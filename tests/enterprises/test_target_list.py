"""The target-enterprise list in Excel: template, all-or-nothing import with a row-level report."""

from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from enterprises.models import TargetEnterprise
from enterprises.target_list import COLUMNS
from tests.factories import valid_uscc
from tests.support.target_list import target_list_xlsx as xlsx

pytestmark = pytest.mark.django_db
URL = "/p/wuyi-2024/targets/"


@pytest.fixture
def admin(client):
    client.force_login(get_user_model().objects.get(username="wuyi-admin"))
    return client


def test_the_template_downloads_with_headers_and_a_guide(admin):
    response = admin.get(f"{URL}template.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert [cell.value for cell in book.worksheets[0][1]] == COLUMNS
    guide = "\n".join(str(row[0].value) for row in book["填写说明"].iter_rows())
    assert "白洋街道（330723.01）" in guide


def test_a_good_file_imports_every_row_with_history(admin):
    rows = [
        [valid_uscc(), "武义甲制造有限公司", "白洋街道", "餐厨用品", "规上", "张三", "0579-1"],
        [valid_uscc().lower(), "武义乙制造有限公司", "330723.02", "power-tools", "规下", "", ""],
    ]
    saved = TargetEnterprise.objects.filter(program__slug="wuyi-2024")
    demo_list = saved.count()  # the demo's list, imported by the bureau admin
    response = admin.post(f"{URL}import/", {"file": xlsx(rows)})
    assert response.status_code == 302
    assert saved.count() == demo_list + 2
    assert saved.get(name="武义乙制造有限公司").industry.code == "power-tools"
    assert saved.first().history.first().history_user.username == "wuyi-admin"
    page = admin.get(URL).content.decode()
    assert "白洋街道" in page and "餐厨用品" in page


def test_any_bad_row_saves_nothing_and_every_problem_is_reported(admin):
    good = valid_uscc()
    rows = [
        [good, "好企业", "白洋街道", "餐厨用品", "规上", "", ""],
        ["91330723MA2E3X1Y0A", "校验位错", "白洋街道", "餐厨用品", "规上", "", ""],
        [valid_uscc(), "乡镇错", "东城街道", "餐厨用品", "规上", "", ""],
        [good, "重复行", "白洋街道", "磁性材料", "中型", "", ""],
    ]
    demo_lists = TargetEnterprise.objects.count()
    response = admin.post(f"{URL}import/", {"file": xlsx(rows)})
    assert response.status_code == 200
    assert TargetEnterprise.objects.count() == demo_lists
    report = response.context["report"]
    problems = {(error.row, error.column) for error in report.errors}
    assert problems == {
        (3, "统一社会信用代码"),
        (4, "乡镇（街道）"),
        (5, "统一社会信用代码"),
        (5, "细分行业"),
        (5, "规模（规上/规下）"),
    }
    body = response.content.decode()
    assert "与第2行重复" in body and "东城街道" in body


def test_a_wrong_file_is_refused_clearly(admin):
    demo_lists = TargetEnterprise.objects.count()
    response = admin.post(f"{URL}import/", {"file": xlsx([["x"]], header=["名称"])})
    assert "表头应为" in response.content.decode()
    not_excel = BytesIO(b"not a workbook")
    not_excel.name = "targets.xlsx"
    assert "文件无法读取" in admin.post(f"{URL}import/", {"file": not_excel}).content.decode()
    assert TargetEnterprise.objects.count() == demo_lists


def test_only_the_bureau_admin_imports(client):
    client.force_login(get_user_model().objects.get(username="wuyi-reviewer"))
    assert client.get(URL).status_code == 200
    assert client.post(f"{URL}import/", {"file": xlsx([])}).status_code == 403
    client.force_login(get_user_model().objects.get(username="wuyi-enterprise"))
    assert client.get(URL).status_code == 403
