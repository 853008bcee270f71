"""The business case and the actuals as a spreadsheet (.xlsx or .ods), for finance officers who keep their
figures in one: a template with the programme's partners and financial years, an export that reads back to the
same figures, and an import that is refused whole, each problem naming its sheet and cell ("Business case!C4").

The library: openpyxl for .xlsx (the maintained reader and writer of Office Open XML; it uses defusedxml when
installed, so a hostile file cannot expand XML entities) and odfpy for .ods (the OpenDocument reference library
that LibreOffice's own Python tools build on). tablib and pyexcel wrap these same two but lose the cell
addresses an error must name. Both read from and write to bytes: no temporary files.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from odf import teletype
from odf.opendocument import OpenDocumentSpreadsheet, load
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..engine.errors import N_, InvalidError
from . import years as fy
from .case import CATEGORIES, CATEGORY_TITLES, Baseline, BusinessCase, Investment, Saving
from .said import Said
from .sheet_figures import (
    ABOUT,
    ACTUALS,
    BASELINES,
    CASE,
    COST_HEADERS,
    COSTS,
    MAX_COLUMNS,
    MAX_ROWS,
    CellProblem,
    Cost,
    Grid,
    Sheets,
    SpreadsheetError,
    column_of,
    parse,
)

FORMATS = ("xlsx", "ods")
#: A spreadsheet is a zip of XML files: refuse one that would unpack to more than this (a "zip bomb").
LARGEST_UNPACKED = 50_000_000
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def kind_of(data: bytes) -> str | None:
    """``"xlsx"`` or ``"ods"`` by what the file holds (never its name), or None: neither."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return "ods" if archive.read("mimetype") == MIMETYPES["ods"].encode() else None
            return "xlsx" if "xl/workbook.xml" in names else None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


# --- writing -------------------------------------------------------------------------------------------------


def book_rows(
    case: BusinessCase,
    partners: Sequence[str],
    actuals: Iterable[Saving],
    costs: Iterable[Cost],
    this_year: int,
    services: Sequence[str] = (),
) -> dict[str, Grid]:
    """Every sheet's rows for ``case`` and the actuals (and savings columns for ``services`` too); with no
    figures, ten financial years from ``this_year`` and one savings column to rename."""
    years = case.period() or list(range(this_year, this_year + 10))
    named = [*services, *case.services(), *(b.service for b in case.baselines)]
    services = list(dict.fromkeys(named)) or ["first service"]
    actuals = list(actuals)
    services += [a.service for a in actuals if a.service not in services]
    head: list[Any] = ["Financial year"]
    head += [f"Investment: {CATEGORY_TITLES[c]}" for c in CATEGORIES]
    head += [f"Recurring: {CATEGORY_TITLES[c]}" for c in CATEGORIES]
    head += [f"Savings: {s}" for s in services]
    case_grid: Grid = [head]
    for year in years:
        row: list[Any] = [fy.label(year)]
        for recurring in (False, True):
            row += [
                _sum(i.amount for i in case.investments if (i.year, i.category, i.recurring) == (year, c, recurring))
                for c in CATEGORIES
            ]
        row += [_sum(s.amount for s in case.savings if (s.year, s.service) == (year, svc)) for svc in services]
        case_grid.append(row)
    baselines: Grid = [["Partner", *services]]
    baselines += [
        [p, *(_sum(b.amount for b in case.baselines if (b.partner, b.service) == (p, s)) for s in services)]
        for p in partners
    ]
    by_key = {(a.year, a.service): a.amount for a in actuals}
    actual_grid: Grid = [["Financial year", *(f"Savings: {s}" for s in services)]]
    actual_grid += [[fy.label(y), *(by_key.get((y, s)) for s in services)] for y in years]
    cost_grid: Grid = [list(COST_HEADERS)]
    cost_grid += [[c.on, CATEGORY_TITLES[c.category], c.amount, c.note] for c in costs]
    return {CASE: case_grid, BASELINES: baselines, ACTUALS: actual_grid, COSTS: cost_grid, ABOUT: [[t] for t in _ABOUT]}


_ABOUT = (
    "How to fill in this spreadsheet",
    "Amounts are in pounds and pence, like 12000 or 12,000.50. A blank cell is nothing.",
    "Business case: one row per financial year of the appraisal, written like 2027-28.",
    "Investment columns are one-off costs by category; Recurring columns come back every year.",
    "Add a savings column for another service with a heading like 'Savings: legal services'.",
    "Baselines: what each partner spends on each service before sharing.",
    "Actual savings: savings actually made, by year and service. Costs incurred: one row per cost.",
    "Importing replaces the business case, the actual savings and the costs incurred with this file's.",
)


def _sum(amounts: Iterable[Decimal]) -> Decimal | None:
    total = sum(amounts, Decimal("0.00"))
    return total or None


def write(book: dict[str, Grid], kind: str) -> bytes:
    """The sheets as an .xlsx or .ods file.

    Raises:
        InvalidError: ``kind`` is neither.
    """
    if kind == "xlsx":
        return _write_xlsx(book)
    if kind == "ods":
        return _write_ods(book)
    raise InvalidError(
        N_("'{kind}' is not a spreadsheet format banns writes; expected xlsx or ods"), field="format", kind=kind
    )


def _write_xlsx(book: dict[str, Grid]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, rows in book.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, row in enumerate(rows[1:], start=2):
            for col, value in enumerate(row, start=1):
                if isinstance(value, Decimal):
                    sheet.cell(index, col).number_format = "#,##0.00"
                elif isinstance(value, date):
                    sheet.cell(index, col).number_format = "yyyy-mm-dd"
        for col in range(1, len(rows[0]) + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_ods(book: dict[str, Grid]) -> bytes:
    document = OpenDocumentSpreadsheet()
    for name, rows in book.items():
        table = Table(name=name)
        for row in rows:
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            table.addElement(line)
        document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _ods_cell(value: Any) -> Any:
    if value is None:
        return TableCell()
    if isinstance(value, Decimal):
        cell = TableCell(valuetype="float", value=str(value))
        text = f"{value:.2f}"
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        text = value.isoformat()
    else:
        cell = TableCell(valuetype="string")
        text = str(value)
    cell.addElement(P(text=text))
    return cell


# --- reading -------------------------------------------------------------------------------------------------


def read(data: bytes, kind: str) -> dict[str, Grid]:
    """Every sheet's cells (None, text, Decimal or date), at most 500 rows and 100 columns each.

    Raises:
        SpreadsheetError: not a readable file of that kind, or a sheet too large.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = 0
    if unpacked > LARGEST_UNPACKED:
        too_large = N_("the file unpacks to more than {megabytes} MB; banns reads no more")
        raise SpreadsheetError([CellProblem("", "", Said(too_large, megabytes=LARGEST_UNPACKED // 1_000_000))])
    try:
        book = _read_xlsx(data) if kind == "xlsx" else _read_ods(data)
    except SpreadsheetError:
        raise
    except Exception:
        unreadable = {
            "xlsx": N_("the file is not an Excel (.xlsx) spreadsheet banns can read"),
            "ods": N_("the file is not an OpenDocument (.ods) spreadsheet banns can read"),
        }.get(kind, N_("the file is not a spreadsheet banns can read"))
        raise SpreadsheetError([CellProblem("", "", Said(unreadable))]) from None
    return book


def _read_xlsx(data: bytes) -> dict[str, Grid]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("not a zip")
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    book: dict[str, Grid] = {}
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
        book[sheet.title] = _capped(sheet.title, ([_value(v) for v in row] for row in rows))
    workbook.close()
    return book


def _read_ods(data: bytes) -> dict[str, Grid]:
    document = load(io.BytesIO(data))
    book: dict[str, Grid] = {}
    for table in document.spreadsheet.getElementsByType(Table):
        name = str(table.getAttribute("name"))
        book[name] = _capped(name, _ods_rows(table))
    return book


def _ods_rows(node: Any) -> Iterator[list[Any]]:
    for child in node.childNodes:
        local = child.qname[1] if isinstance(child.qname, tuple) else ""
        if local in ("table-header-rows", "table-row-group", "table-rows"):
            yield from _ods_rows(child)
        elif local == "table-row":
            cells: list[Any] = []
            for cell in child.childNodes:
                if cell.qname[1] in ("table-cell", "covered-table-cell"):
                    value = _ods_value(cell)
                    repeat = min(int(cell.getAttribute("numbercolumnsrepeated") or 1), MAX_COLUMNS + 1 - len(cells))
                    cells += [value] * max(repeat, 0)
            repeat = int(child.getAttribute("numberrowsrepeated") or 1)
            for _ in range(min(repeat, MAX_ROWS + 1) if any(v is not None for v in cells) else min(repeat, 2)):
                yield cells


def _ods_value(cell: Any) -> Any:
    kind = cell.getAttribute("valuetype")
    if kind in ("float", "currency", "percentage"):
        return Decimal(str(cell.getAttribute("value")))
    if kind == "date":
        return date.fromisoformat(str(cell.getAttribute("datevalue"))[:10])
    return _value(teletype.extractText(cell))


def _value(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else str(value).strip()


def _capped(name: str, rows: Iterable[list[Any]]) -> Grid:
    grid: Grid = []
    for row in rows:
        while row and row[-1] is None:
            row = row[:-1]
        if len(row) > MAX_COLUMNS:
            raise SpreadsheetError(
                [
                    CellProblem(
                        name,
                        column_of(MAX_COLUMNS) + "1",
                        Said(N_("a sheet may have at most {columns} columns"), columns=MAX_COLUMNS),
                    )
                ]
            )
        grid.append(row)
        if len(grid) > MAX_ROWS and any(v is not None for v in row):
            too_long = Said(N_("a sheet may have at most {rows} rows"), rows=MAX_ROWS)
            raise SpreadsheetError([CellProblem(name, f"A{MAX_ROWS + 1}", too_long)])
    while grid and not grid[-1]:
        grid.pop()
    return grid


def merge_case(old: BusinessCase, new: BusinessCase) -> BusinessCase:
    """``new`` (one line per cell), keeping ``old``'s lines and their notes where a cell's total is unchanged."""
    kept: list[Investment] = []
    for key in dict.fromkeys((i.year, i.category, i.recurring) for i in new.investments):
        total = sum((i.amount for i in new.investments if (i.year, i.category, i.recurring) == key), Decimal(0))
        before = [i for i in old.investments if (i.year, i.category, i.recurring) == key]
        if before and sum((i.amount for i in before), Decimal(0)) == total:
            kept += before
        else:
            kept.append(Investment(key[0], key[1], total, key[2], before[0].note if before else ""))
    return BusinessCase(tuple(kept), new.savings, new.baselines, new.first_year, new.years)


__all__ = [
    "FORMATS",
    "MIMETYPES",
    "Baseline",
    "CellProblem",
    "Cost",
    "Sheets",
    "SpreadsheetError",
    "book_rows",
    "kind_of",
    "merge_case",
    "parse",
    "read",
    "write",
]
