"""Text people typed never runs as a formula in a spreadsheet (OWASP's CSV injection): in the pack's Excel
workbook, its CSV zip, the workbook behind the PowerPoint's charts and every page's CSV download."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from openpyxl import load_workbook
from pptx import Presentation

from infodash.pack import ManagementPack, PackTexts, pack_content
from infodash.pack_pptx import render_pptx
from infodash.pack_tables import render_csv_zip, render_xlsx
from infodash.periods import parse_period
from infodash.spreadsheets import csv_bytes, neutralised
from tests.conftest import LONDON, at

LINK = '=HYPERLINK("http://evil.example","click")'
TYPED = [LINK, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "Research & development", "a = b"]


def test_text_that_would_run_gets_an_apostrophe_in_csv_and_numbers_stay_numbers():
    assert [neutralised(text) for text in TYPED] == [
        "'" + LINK, "'+1+1", "'-2+3", "'@SUM(A1:A2)", "'\t=1", "Research & development", "a = b"]
    frame = pd.DataFrame({"=name": ["=1+1", "Sales"], "change": [-0.53, 2.0]})
    assert csv_bytes(frame).decode() == "'=name,change\n'=1+1,-0.53\nSales,2.0\n"


def evil_pack(store) -> ManagementPack:
    """The fixture organisation's November with a customer group, an achievement and a plan that look like
    formulas."""
    with store.writing() as db:
        db.execute("UPDATE customer_groups SET name = ? WHERE group_id = 1", [LINK])
    content = pack_content(store, parse_period("2026-11"), LONDON, now=at("2026-11-30 12:00"))
    return ManagementPack(content, PackTexts("+1+1 more requests\n@SUM(A1:A2)", "-2+3 plans"), "Ana Costa",
                          at("2026-11-30 12:00"))


def every_cell(workbook_bytes: bytes) -> list:
    book = load_workbook(io.BytesIO(workbook_bytes))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_the_excel_pack_keeps_every_formula_looking_text_as_text_shown_as_typed(fixture_store):
    cells = every_cell(render_xlsx(evil_pack(fixture_store)))
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    looking = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))]
    assert LINK in [cell.value for cell in looking]  # readable exactly as typed ...
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in looking)  # ... and marked as text


def test_the_csv_zip_puts_an_apostrophe_before_every_formula_looking_cell(fixture_store):
    with zipfile.ZipFile(io.BytesIO(render_csv_zip(evil_pack(fixture_store)))) as archive:
        cells = [cell for name in archive.namelist()
                 for cell in pd.read_csv(io.BytesIO(archive.read(name)), dtype=str, keep_default_na=False)
                 .to_numpy().ravel().tolist()]
    assert "'" + LINK in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@")) or cell.startswith("-") and
                not cell.lstrip("-").replace(".", "", 1).isdigit()]


def test_the_workbooks_behind_the_powerpoint_charts_hold_no_formula(fixture_store):
    deck = Presentation(io.BytesIO(render_pptx(evil_pack(fixture_store))))
    embedded = [shape.chart.part.chart_workbook.xlsx_part.blob for slide in deck.slides for shape in slide.shapes
                if shape.has_chart]
    assert embedded
    assert not [cell.coordinate for blob in embedded for cell in every_cell(blob) if cell.data_type == "f"]
