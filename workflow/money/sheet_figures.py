"""What banns's money spreadsheet holds, sheet by sheet, and how its cells are read into figures: every problem
is collected with its sheet and cell, so a finance officer fixes them all in one go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..engine.errors import N_, BannsError, InvalidError, Word
from ..engine.text import day_problem, single_line_problem
from . import entered
from . import years as fy
from .case import CATEGORIES, CATEGORY_TITLES, Baseline, BusinessCase, Investment, Saving
from .said import Said, joined

CASE, BASELINES, ACTUALS, COSTS, ABOUT = "Business case", "Baselines", "Actual savings", "Costs incurred", "About"
COST_HEADERS = ("Date", "Category", "Amount", "Note")
MAX_ROWS, MAX_COLUMNS = 500, 100
Grid = list[list[Any]]


@dataclass(frozen=True)
class Cost:
    """Money spent on a day, in one investment category."""

    on: date
    category: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class Sheets:
    """The figures a spreadsheet holds; ``None``: the file has no such sheet (those figures stay as they are)."""

    case: BusinessCase
    actuals: tuple[Saving, ...] | None
    costs: tuple[Cost, ...] | None


@dataclass(frozen=True)
class CellProblem:
    """What is wrong with one cell (``cell`` empty: with the sheet or the file as a whole); ``message`` is a
    msgid and its values (rendered by :func:`workflow.words.say`), :meth:`said` the same with where it is."""

    sheet: str
    cell: str
    message: BannsError

    def said(self) -> BannsError:
        """The problem with its sheet and cell: "Business case!C4: ..."."""
        if self.cell:
            return Said(N_("{sheet}!{cell}: {problem}"), sheet=self.sheet, cell=self.cell, problem=self.message)
        if self.sheet:
            return Said(N_("{sheet}: {problem}"), sheet=self.sheet, problem=self.message)
        return self.message

    def __str__(self) -> str:
        return str(self.said())


class SpreadsheetError(InvalidError):
    """A spreadsheet refused whole; ``problems`` names every sheet and cell that is wrong (the message, the
    first five)."""

    def __init__(self, problems: Sequence[CellProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(N_("{problems}"), field="file", problems=joined([p.said() for p in self.problems[:5]]))


def column_of(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Reader:
    """Reads one sheet's cells, noting each problem with its address."""

    def __init__(self, sheet: str, grid: Grid, problems: list[CellProblem]) -> None:
        self.sheet, self.grid, self.problems = sheet, grid, problems

    def cell(self, row: int, col: int) -> Any:
        line = self.grid[row] if row < len(self.grid) else []
        return line[col] if col < len(line) else None

    def wrong(self, row: int, col: int, message: BannsError) -> None:
        self.problems.append(CellProblem(self.sheet, f"{column_of(col)}{row + 1}", message))

    def rows(self) -> list[int]:
        """The data rows with anything in them."""
        return [r for r in range(1, len(self.grid)) if any(v is not None for v in self.grid[r])]

    def amount(self, row: int, col: int, label: str | BannsError) -> Decimal | None:
        value = self.cell(row, col)
        if value is None:
            return None
        text = f"{value:f}" if isinstance(value, Decimal) else str(value)
        try:
            return entered.pounds(text, label)
        except InvalidError as exc:
            self.wrong(row, col, _found(exc, value))
            return None

    def year(self, row: int) -> int | None:
        value = self.cell(row, 0)
        if value is None:
            self.wrong(row, 0, Said(N_("expected a financial year, like 2027-28; the cell is empty")))
            return None
        try:
            return entered.financial_year(str(value))
        except InvalidError as exc:
            self.wrong(row, 0, _found(exc, value))
            return None

    def text(self, row: int, col: int, label: str) -> str:
        value = "" if self.cell(row, col) is None else str(self.cell(row, col))
        problem = single_line_problem(value)
        if problem:
            self.wrong(row, col, Said(N_("{label} {problem}"), label=label, problem=problem))
            return ""
        if len(value) > 100:
            self.wrong(row, col, Said(N_("{label} is longer than 100 characters"), label=label))
            return ""
        return value


def _shown(value: Any) -> str:
    return str(value).encode("unicode_escape").decode("ascii")[:40]


def parse(book: dict[str, Grid], partners: Sequence[str]) -> Sheets:
    """The figures in a spreadsheet read by :func:`workflow.money.spreadsheet.read`.

    Raises:
        SpreadsheetError: every cell that is wrong, with its sheet and address.
    """
    problems: list[CellProblem] = []
    if CASE not in book:
        sheets = tuple(f"'{n}'" for n in book)
        missing = (
            Said(N_("the file has no sheet called '{sheet}' (its sheets: {sheets})"), sheet=CASE, sheets=sheets)
            if sheets
            else Said(N_("the file has no sheet called '{sheet}' (its sheets: none)"), sheet=CASE)
        )
        raise SpreadsheetError([CellProblem(CASE, "", missing)])
    investments, savings, years = _case(_Reader(CASE, book[CASE], problems))
    baselines = _baselines(_Reader(BASELINES, book[BASELINES], problems), partners) if BASELINES in book else ()
    actuals = _actuals(_Reader(ACTUALS, book[ACTUALS], problems)) if ACTUALS in book else None
    costs = _costs(_Reader(COSTS, book[COSTS], problems)) if COSTS in book else None
    if problems:
        raise SpreadsheetError(problems)
    first = min(years) if years else None
    period = (max(years) - first + 1) if first is not None else None
    return Sheets(BusinessCase(investments, savings, baselines, first, period), actuals, costs)


def _headers(sheet: _Reader, first: str) -> list[str]:
    heads = [("" if v is None else str(v).strip()) for v in (sheet.grid[0] if sheet.grid else [])]
    if not heads or heads[0].lower() != first.lower():
        found = _shown(heads[0]) if heads else ""
        sheet.wrong(0, 0, Said(N_("expected the heading '{heading}'; found '{found}'"), heading=first, found=found))
    return heads


def _column(head: str) -> tuple[str, str] | None:
    """``"Investment: IT"`` -> ``("investment", "it")``; ``"Savings: legal"`` -> ``("savings", "legal")``."""
    kind, _, rest = head.partition(":")
    kind, rest = kind.strip().lower(), rest.strip()
    titles = {t.lower(): c for c, t in CATEGORY_TITLES.items()} | {c: c for c in CATEGORIES}
    if kind in ("investment", "recurring") and rest.lower() in titles:
        return kind, titles[rest.lower()]
    if kind == "savings" and rest:
        return kind, rest
    return None


def _case(sheet: _Reader) -> tuple[tuple[Investment, ...], tuple[Saving, ...], list[int]]:
    heads = _headers(sheet, "Financial year")
    columns: dict[int, tuple[str, str]] = {}
    for col, head in enumerate(heads[1:], start=1):
        found = _column(head)
        if head and found is None:
            unknown = N_(
                "'{heading}' is not a column banns knows; expected 'Investment: <category>', 'Recurring: <category>' "
                "or 'Savings: <service>', with a category one of: {categories}"
            )
            sheet.wrong(0, col, Said(unknown, heading=_shown(head), categories=tuple(CATEGORY_TITLES.values())))
        elif found and len(found[1]) > 100:
            sheet.wrong(0, col, Said(N_("a service's name may be at most 100 characters")))
        elif found:
            columns[col] = found
    investments: list[Investment] = []
    savings: list[Saving] = []
    years: list[int] = []
    for row in sheet.rows():
        year = sheet.year(row)
        if year is not None and year in years:
            twice = N_("{year} is in the sheet twice; give each financial year one row")
            sheet.wrong(row, 0, Said(twice, year=fy.label(year)))
        for col, (kind, key) in columns.items():
            amount = sheet.amount(row, col, heads[col])
            if year is None or not amount:
                continue
            if kind == "savings":
                savings.append(Saving(year, key, amount))
            else:
                investments.append(Investment(year, key, amount, kind == "recurring"))
        if year is not None:
            years.append(year)
    return tuple(investments), tuple(savings), years


def _baselines(sheet: _Reader, partners: Sequence[str]) -> tuple[Baseline, ...]:
    heads = _headers(sheet, "Partner")
    found: list[Baseline] = []
    for row in sheet.rows():
        name = sheet.text(row, 0, Word(N_("Partner")))
        if name not in partners:
            not_partner = N_("'{name}' is not a partner of the programme; its partners: {partners}")
            sheet.wrong(row, 0, Said(not_partner, name=_shown(name), partners=tuple(partners)))
            continue
        for col in range(1, len(heads)):
            label = Said(N_("{partner}'s baseline for {service}"), partner=name, service=heads[col])
            amount = sheet.amount(row, col, label)
            if amount and heads[col]:
                found.append(Baseline(name, heads[col][:100], amount))
    return tuple(found)


def _actuals(sheet: _Reader) -> tuple[Saving, ...]:
    heads = _headers(sheet, "Financial year")
    services = {c: (_column(h) or ("", h))[1] for c, h in enumerate(heads) if c and h}
    found: list[Saving] = []
    for row in sheet.rows():
        year = sheet.year(row)
        for col, service in services.items():
            amount = sheet.amount(row, col, heads[col])
            if year is not None and amount is not None:
                found.append(Saving(year, service[:100], amount))
    return tuple(found)


def _costs(sheet: _Reader) -> tuple[Cost, ...]:
    _headers(sheet, COST_HEADERS[0])
    titles = {t.lower(): c for c, t in CATEGORY_TITLES.items()} | {c: c for c in CATEGORIES}
    found: list[Cost] = []
    for row in sheet.rows():
        on = _day(sheet, row)
        category = titles.get(str(sheet.cell(row, 1) or "").strip().lower())
        if category is None:
            expected = N_("expected a category, one of: {categories}; found '{found}'")
            found_there = _shown(sheet.cell(row, 1) or "")
            sheet.wrong(row, 1, Said(expected, categories=tuple(CATEGORY_TITLES.values()), found=found_there))
        amount = sheet.amount(row, 2, Word(N_("Amount")))
        if amount is None and sheet.cell(row, 2) is None:
            sheet.wrong(row, 2, Said(N_("expected the amount spent, like 12,000.50; the cell is empty")))
        note = sheet.text(row, 3, Word(N_("Note")))
        if on and category and amount is not None:
            found.append(Cost(on, category, amount, note))
    return tuple(found)


def _day(sheet: _Reader, row: int) -> date | None:
    value = sheet.cell(row, 0)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            sheet.wrong(row, 0, Said(N_("expected a date, like 2027-01-04; found '{found}'"), found=_shown(value)))
            return None
    if not isinstance(value, date):
        sheet.wrong(row, 0, Said(N_("expected a date, like 2027-01-04; found '{found}'"), found=_shown(value or "")))
        return None
    problem = day_problem(value)
    if problem:
        sheet.wrong(row, 0, Said(N_("{problem}"), problem=problem))
        return None
    return value


def _found(problem: BannsError, value: Any) -> Said:
    """``problem`` with what the cell held: "...; found '12,00'"."""
    return Said(N_("{problem}; found '{found}'"), problem=problem, found=_shown(value))
