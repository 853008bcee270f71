"""Editing one cell of a money spreadsheet with the format's own library, as a finance officer's office suite
would; shared by the money, web and browser tests (the last two put this folder on ``sys.path``)."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

from odf.opendocument import load
from odf.table import Table, TableCell
from odf.text import P
from openpyxl import load_workbook


def edit_cell(data: bytes, kind: str, sheet: str, row: int, col: int, value: Any) -> bytes:
    """Change one cell (1-based row and column) with the format's own library, as an office suite would."""
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(data))
        book[sheet].cell(row, col).value = value
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    document = load(io.BytesIO(data))
    table = next(t for t in document.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == sheet)
    line = [r for r in table.childNodes if r.qname[1] == "table-row"][row - 1]
    old = [c for c in line.childNodes if c.qname[1] == "table-cell"][col - 1]
    if value is None:
        new = TableCell()
    elif isinstance(value, (int, float, D)):
        new = TableCell(valuetype="float", value=str(value))
    else:
        new = TableCell(valuetype="string")
    if value is not None:
        new.addElement(P(text=str(value)))
    line.insertBefore(new, old)
    line.removeChild(old)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
