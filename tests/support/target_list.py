"""The target-enterprise list as a bureau fills in the Excel template."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from enterprises.target_list import COLUMNS


def target_list_xlsx(rows, header=COLUMNS):
    """A workbook of `rows` under `header`, as a named in-memory file."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "targets.xlsx"
    return out


def target_list_upload(rows):
    """`target_list_xlsx` as an uploaded file."""
    return SimpleUploadedFile("targets.xlsx", target_list_xlsx(rows).getvalue())
