"""The tables behind the management pack's figures and charts, for people who work the numbers further:
an Excel workbook (one sheet per table, after a sheet that says what each is) and a zip of CSV files.

Figures are the library's own numbers (shares as fractions, formatted as percentages in Excel); survey
cells with fewer than 5 responses read "fewer than 5 responses" in place of their figures, as everywhere.
Text that a spreadsheet would run as a formula is kept as text (:mod:`infodash.spreadsheets`).
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from infodash.pack import SHARE_COLUMNS, ManagementPack, PackTable
from infodash.spreadsheets import append_row, csv_bytes



def _about(pack: ManagementPack) -> list[tuple[str, str]]:
    """What the workbook or archive holds: the pack's period, scope and making, then each table's definition."""
    content = pack.content
    rows = [("Management pack", content.title), ("Scope", content.scope),
            ("Prepared by", pack.made_by or "-"),
            ("Prepared on", f"{pack.made_at:%Y-%m-%d %H:%M %Z}" if pack.made_at else "-"),
            ("Open requests judged at", f"{content.judged_at:%Y-%m-%d %H:%M} UTC"),
            ("Partial period", "yes: figures so far" if content.partial else "no")]
    rows += [(table.key, f"{table.title}. {table.note}") for table in pack.tables()]
    rows += [("achievements", pack.texts.achievements.strip()), ("plans", pack.texts.plans.strip())]
    return rows


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates and times as Excel and CSV take them: no time zones, missing values empty."""
    shown = frame.copy()
    for column in shown.columns:
        if isinstance(shown[column].dtype, pd.DatetimeTZDtype):
            shown[column] = shown[column].dt.tz_localize(None)
    return shown.astype(object).where(shown.notna(), None)


def render_xlsx(pack: ManagementPack) -> bytes:
    """An Excel workbook: an 'About' sheet, then one sheet per table of :meth:`ManagementPack.tables`."""
    book = Workbook()
    about = book.active
    about.title = "About"
    for row in _about(pack):
        append_row(about, list(row))
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 26, 120
    for cell in about["A"]:
        cell.font = Font(bold=True)
    for cell in about["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for table in pack.tables():
        _sheet(book, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, table: PackTable) -> None:
    sheet = book.create_sheet(table.key[:31])
    frame = _plain(table.frame)
    append_row(sheet, list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        append_row(sheet, list(row))
    for number, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(row=1, column=number).column_letter
        sheet.column_dimensions[letter].width = min(60, max(12, len(str(column)) + 2,
                                                            *(len(str(value)) + 2 for value in frame[column][:50])))
        if column in SHARE_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "0.0%"
    sheet.freeze_panes = "A2"


def render_csv_zip(pack: ManagementPack) -> bytes:
    """A zip of one CSV per table (UTF-8 with a byte-order mark, so Excel reads accents) and an about.csv."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        about = pd.DataFrame(_about(pack), columns=["item", "value"])
        archive.writestr("about.csv", csv_bytes(about, excel_bom=True))
        for table in pack.tables():
            archive.writestr(f"{table.key}.csv", csv_bytes(_plain(table.frame), excel_bom=True))
    return out.getvalue()
