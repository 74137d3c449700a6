"""The target-enterprise list (摸底企业清单) in Excel: the blank template, and an all-or-nothing import
with a report of every bad row."""

from dataclasses import dataclass, field
from io import BytesIO
from itertools import zip_longest

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from simple_history.utils import bulk_create_with_history

from enterprises.models import TargetEnterprise
from organisations import uscc as uscc_rules
from policies.models import Scale
from portal.core import uploads, xlsx
from portal.core.text import looks_blank
from programs.models import Industry, Region, RegionLevel

COLUMNS = ["统一社会信用代码", "企业名称", "乡镇（街道）", "细分行业", "规模（规上/规下）", "联系人", "联系电话"]
SCALES = {"规上": Scale.ABOVE, "规下": Scale.BELOW, "above": Scale.ABOVE, "below": Scale.BELOW}
# The longest value each text column keeps (the model's own limits): a longer one is refused, never cut.
LIMITS = {
    name: TargetEnterprise._meta.get_field(field).max_length
    for name, field in (("name", "name"), ("contact", "contact_name"), ("phone", "contact_phone"))
}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def template_workbook(*, program) -> bytes:
    """A blank list with its headers, and a second sheet naming the townships and industries it accepts."""
    book = Workbook()
    sheet = book.active
    sheet.title = "摸底企业清单"
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1D4F91")
    xlsx.append(sheet, [xlsx.cell(sheet, title, font=header_font, fill=header_fill) for title in COLUMNS])
    guide = book.create_sheet("填写说明")
    xlsx.append(guide, ["从第2行起每行一家企业；统一社会信用代码18位；规模填“规上”或“规下”。"])
    xlsx.append(guide, ["乡镇（街道）可填名称或代码", "细分行业可填名称或代码"])
    townships = Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.TOWNSHIP)
    industries = Industry.objects.filter(program=program, is_active=True)
    for township, industry in zip_longest(townships, industries):
        xlsx.append(
            guide,
            [
                f"{township.name}（{township.code}）" if township else "",
                f"{industry.name}（{industry.code}）" if industry else "",
            ],
        )
    guide.column_dimensions["A"].width = 40
    guide.column_dimensions["B"].width = 30
    for column, width in zip("ABCDEFG", (24, 30, 16, 14, 16, 10, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def target_list_import(*, program, acting_user, content: bytes) -> ImportReport:
    """Read every row; save all of them only when none is wrong. Rows are numbered as Excel shows them."""
    report = ImportReport()
    rows = _data_rows(content, report)
    if rows is None:
        return report
    townships = _by_name_and_code(
        Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.TOWNSHIP)
    )
    industries = _by_name_and_code(Industry.objects.filter(program=program, is_active=True))
    existing = set(TargetEnterprise.objects.filter(program=program).values_list("uscc", flat=True))
    seen: dict[str, int] = {}
    records = []
    for number, values in enumerate(rows, start=2):
        cells = [("" if value is None else str(value).strip()) for value in (list(values) + [None] * 7)[:7]]
        if not any(cells):
            continue
        report.rows += 1
        if report.rows > settings.TARGET_IMPORT_MAX_ROWS:
            report.errors.append(RowError(number, "", f"一次最多导入{settings.TARGET_IMPORT_MAX_ROWS}行"))
            break
        record = _checked_row(program, number, cells, report, townships, industries, existing, seen)
        if record is not None:
            records.append(record)
    if report.rows == 0 and not report.errors:
        report.errors.append(RowError(2, "", "文件中没有数据行"))
    if report.errors:
        return report
    return _saved(program, acting_user, records, seen, report)


def _data_rows(content, report):
    """The sheet's rows after its header, or None with the error in `report` when the file is not a workbook
    or not the template."""
    try:
        uploads.ooxml_check(content, "list.xlsx")  # a real workbook, no program inside, no zip bomb
        sheet = load_workbook(BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 — any unreadable file gets the same clear answer
        report.errors.append(RowError(0, "", "文件无法读取：请上传用模板填写的 .xlsx 文件"))
        return None
    rows = sheet.iter_rows(values_only=True)
    header = [str(value or "").strip() for value in next(rows, [])]
    if header[: len(COLUMNS)] != COLUMNS:
        report.errors.append(RowError(1, "", f"表头应为：{'、'.join(COLUMNS)}（请使用下载的模板）"))
        return None
    return rows


def _by_name_and_code(objects) -> dict:
    """Each object under its name and under its code: the list may give either."""
    found = {}
    for item in objects:
        found[item.name] = item
        found[item.code] = item
    return found


def _checked_row(program, number, cells, report, townships, industries, existing, seen):
    """Row `number` as a TargetEnterprise to save, or None with its errors added to `report`. `seen` gets its
    code (the first row of a code is the one a repeat names)."""
    code, name, township_name, industry_name, scale_text, contact, phone = cells
    errors_before = len(report.errors)

    def bad(column, message, row=number):
        report.errors.append(RowError(row, column, message))

    for column, key, value in (
        (COLUMNS[1], "name", name),
        (COLUMNS[5], "contact", contact),
        (COLUMNS[6], "phone", phone),
    ):
        if len(value) > LIMITS[key]:
            bad(column, f"最多{LIMITS[key]}个字（此处{len(value)}个），请精简后再导入")
    for column, value in zip(COLUMNS, cells, strict=True):
        if value and looks_blank(value):
            bad(column, "只含空格或不可见字符：请填写内容，或留空")

    try:
        code = uscc_rules.validate(code)
    except uscc_rules.USCCError as error:
        bad(COLUMNS[0], str(error.message))
    else:
        if code in seen:
            bad(COLUMNS[0], f"与第{seen[code]}行重复")
        elif code in existing:
            bad(COLUMNS[0], "该企业已在清单中")
        seen.setdefault(code, number)
    if not name:
        bad(COLUMNS[1], "请填写企业名称")
    township = townships.get(township_name)
    if township is None:
        bad(COLUMNS[2], f"“{township_name}”不是本项目区域内的乡镇（街道）")
    industry = industries.get(industry_name)
    if industry is None:
        bad(COLUMNS[3], f"“{industry_name}”不是本项目的细分行业")
    scale = SCALES.get(scale_text)
    if scale is None:
        bad(COLUMNS[4], "请填写“规上”或“规下”")
    if len(report.errors) == errors_before:
        return TargetEnterprise(
            program=program,
            uscc=code,
            name=name,
            township=township,
            industry=industry,
            scale=scale,
            contact_name=contact,
            contact_phone=phone,
        )
    return None


def _saved(program, acting_user, records, seen, report) -> ImportReport:
    """All of `records` saved with their history, unless another import added one of them meanwhile."""
    with transaction.atomic():
        # One import of a program at a time: a second one waits here, then finds what the first one added.
        type(program).objects.select_for_update().get(pk=program.pk)
        added = set(
            TargetEnterprise.objects.filter(program=program, uscc__in=[r.uscc for r in records]).values_list(
                "uscc", flat=True
            )
        )
        if added:
            for row, code in ((seen[r.uscc], r.uscc) for r in records if r.uscc in added):
                report.errors.append(RowError(row, COLUMNS[0], f"该企业已在清单中（{code}，刚由另一次导入加入）"))
            return report
        bulk_create_with_history(
            records, TargetEnterprise, default_user=acting_user, default_change_reason="摸底企业清单导入"
        )
    report.created = len(records)
    return report
