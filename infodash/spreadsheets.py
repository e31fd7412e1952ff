"""Tables leaving InfoDash for a spreadsheet (Excel workbooks, CSV files), made safe to open.

Names, notes and comments are typed by people, and a spreadsheet runs text that begins with ``=``, ``+``,
``-`` or ``@`` as a formula: a customer group named ``=HYPERLINK("http://evil.example","click")`` would
become a live link in a lead's Excel (CSV injection, OWASP). Every export goes through here:

- CSV: such text gets a leading apostrophe (OWASP's rule), which spreadsheets show and never evaluate;
- Excel: such text is stored as text with Excel's own "quote prefix" mark, so it reads exactly as typed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet reads as the start of a formula; tab and carriage return hide one after them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralised(value: Any) -> Any:
    """``value``, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    return "'" + value if looks_like_formula(value) else value


def safe_for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name a spreadsheet would run :func:`neutralised`; numbers
    (negative ones too) stay numbers."""
    safe = frame.rename(columns=neutralised)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_datetime64_any_dtype(safe[column]):
            safe[column] = safe[column].map(neutralised)
    return safe


def csv_bytes(frame: pd.DataFrame, excel_bom: bool = False) -> bytes:
    """``frame`` as UTF-8 CSV, safe to open in a spreadsheet; ``excel_bom`` adds the byte-order mark Excel
    needs to read accents."""
    return safe_for_csv(frame).to_csv(index=False).encode("utf-8-sig" if excel_bom else "utf-8")


def append_row(sheet: Worksheet, values: list[Any]) -> None:
    """Append ``values`` to ``sheet``, text that looks like a formula kept as text (shown as typed)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
