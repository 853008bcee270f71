"""The business case and the actuals as a spreadsheet (.xlsx and .ods): exported, edited in the library a
finance officer's office suite would write, imported back with the change logged; a wrong cell is named by
sheet and cell and nothing is written; the template has the programme's partners and financial years."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sheet_support import edit_cell

from workflow.engine.errors import InvalidError, NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.money import entered
from workflow.money import spreadsheet as ss
from workflow.money.case import CATEGORIES, BusinessCase, Investment, Saving
from workflow.money.entry import MoneyEntry

ROOT = Path(__file__).resolve().parents[2]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
NB, SM, EV = "Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"
PRIYA = "priya.shah@northbridge.example"


@pytest.fixture
def entry(db: Any, clock: Any) -> MoneyEntry:
    return MoneyEntry(db, Registry(ROOT / "definitions"), clock=clock)


@pytest.fixture
def money(sample: ProgrammeView, entry: MoneyEntry) -> ProgrammeView:
    entry.import_figures(sample.id, MONEY.read_text(encoding="utf-8"), str(MONEY))
    return sample


def money_events(programmes: Programmes, programme_id: int) -> list[Any]:
    return [e for e in programmes.history(programme_id) if e.kind == "figures_changed"]


@pytest.mark.parametrize("kind", ss.FORMATS)
def test_export_edit_a_cell_import_changes_the_figure_and_logs_it(
    money: ProgrammeView, entry: MoneyEntry, programmes: Programmes, kind: str
) -> None:
    before = entry.case(money.id)
    data = entry.export_spreadsheet(money.id, kind)
    assert ss.kind_of(data) == kind
    # C3: IT investment (one-off) in 2027-28, the second year of the appraisal
    edited = edit_cell(data, kind, "Business case", 3, 3, 990000)
    logged = len(money_events(programmes, money.id))
    entry.import_spreadsheet(money.id, edited, kind, f"figures.{kind}", programmes.actor(PRIYA))
    after = entry.case(money.id)
    it = [i for i in after.investments if (i.year, i.category, i.recurring) == (2027, "it", False)]
    assert [i.amount for i in it] == [D("990000.00")]
    assert it[0].note == "single revenues, HR and payroll systems"  # the line's note survives the change
    assert set(after.investments) - set(it) == set(before.investments) - {
        i for i in before.investments if (i.year, i.category, i.recurring) == (2027, "it", False)
    }
    assert set(after.savings) == set(before.savings) and set(after.baselines) == set(before.baselines)
    assert (after.first_year, after.years) == (2026, 10)
    events = money_events(programmes, money.id)
    assert len(events) == logged + 1
    assert events[-1].actor == "Priya Shah" and events[-1].reason == ""
    assert (events[-1].data["change"], events[-1].data["file"]) == ("spreadsheet", f"figures.{kind}")
    actual = {(v.year, v.service): v.actual for v in entry.benefits(money.id).by_service if v.actual is not None}
    assert actual == {
        (2027, "revenues and benefits"): D("132500.00"),
        (2028, "revenues and benefits"): D("598000.00"),
        (2028, "HR, payroll and ICT"): D("326400.00"),
    }


@pytest.mark.parametrize("kind", ss.FORMATS)
def test_a_malformed_sheet_names_sheet_and_cell_and_writes_nothing(
    money: ProgrammeView, entry: MoneyEntry, programmes: Programmes, kind: str
) -> None:
    data = entry.export_spreadsheet(money.id, kind)
    data = edit_cell(data, kind, "Business case", 4, 3, "5e9")
    data = edit_cell(data, kind, "Business case", 5, 1, "2024/26")
    data = edit_cell(data, kind, "Costs incurred", 2, 1, "9999-12-31")
    data = edit_cell(data, kind, "Baselines", 3, 1, "Westshire Council")
    data = edit_cell(data, kind, "Actual savings", 2, 2, -5)
    before, logged = entry.case(money.id), len(money_events(programmes, money.id))
    with pytest.raises(ss.SpreadsheetError) as refused:
        entry.import_spreadsheet(money.id, data, kind, f"bad.{kind}", programmes.actor(PRIYA))
    problems = [str(p) for p in refused.value.problems]
    assert problems == [
        "Business case!C4: Investment: IT must be in pounds and pence, like 12,000 or £12,000.50; found '5e9'",
        "Business case!A5: Financial year: '2024/26' is not a financial year: it should end in 25; found '2024/26'",
        f"Baselines!A3: 'Westshire Council' is not a partner of the programme; its partners: {NB}, {SM}, {EV}",
        "Actual savings!B2: Savings: revenues and benefits must be £0 or more; found '-5'",
        "Costs incurred!A2: 9999-12-31 is not a plausible date; expected a date from 2000 to 2100",
    ]
    assert entry.case(money.id) == before and len(money_events(programmes, money.id)) == logged


def test_a_file_that_is_not_a_spreadsheet_or_lacks_the_sheet_is_refused(
    money: ProgrammeView, entry: MoneyEntry
) -> None:
    with pytest.raises(ss.SpreadsheetError, match="the file is not an Excel"):
        entry.import_spreadsheet(money.id, b"PK\x03\x04 broken", "xlsx", "broken.xlsx")
    book = ss.write({"Sheet1": [["Financial year"]]}, "ods")
    with pytest.raises(ss.SpreadsheetError, match="Business case: the file has no sheet called 'Business case'"):
        entry.import_spreadsheet(money.id, book, "ods", "other.ods")
    wrong_head = edit_cell(
        entry.export_spreadsheet(money.id, "xlsx"), "xlsx", "Business case", 1, 4, "Investment: Cake"
    )
    with pytest.raises(ss.SpreadsheetError, match=r"Business case!D1: 'Investment: Cake' is not a column banns knows"):
        entry.import_spreadsheet(money.id, wrong_head, "xlsx", "cake.xlsx")


@pytest.mark.parametrize("kind", ss.FORMATS)
def test_the_template_has_the_programmes_partners_and_years(
    sample: ProgrammeView, money: ProgrammeView, entry: MoneyEntry, kind: str, clock: Any
) -> None:
    book = ss.read(entry.export_spreadsheet(money.id, kind, blank=True), kind)
    assert [row[0] for row in book["Baselines"]] == ["Partner", NB, SM, EV]
    assert book["Baselines"][0][1:] == ["revenues and benefits", "HR, payroll and ICT"]
    years = [row[0] for row in book["Business case"][1:]]
    assert years == [f"{y}-{(y + 1) % 100:02d}" for y in range(2026, 2036)]
    assert all(v is None for row in book["Business case"][1:] for v in row[1:])
    assert book["Business case"][0][:3] == ["Financial year", "Investment: Set-up", "Investment: IT"]
    assert book["Costs incurred"] == [["Date", "Category", "Amount", "Note"]]


def test_an_empty_programmes_template_runs_ten_years_from_this_one(
    sample: ProgrammeView, entry: MoneyEntry, clock: Any
) -> None:
    book = ss.read(entry.export_spreadsheet(sample.id, "xlsx", blank=True), "xlsx")
    this = clock().date()
    first = this.year if this.month >= 4 else this.year - 1
    assert [row[0] for row in book["Business case"][1:]] == [
        f"{y}-{(y + 1) % 100:02d}" for y in range(first, first + 10)
    ]
    assert [row[0] for row in book["Baselines"][1:]] == [NB, SM, EV]


pence = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)
lines = st.lists(st.tuples(st.integers(2020, 2040), st.sampled_from(CATEGORIES), st.booleans(), pence), max_size=12)
savings = st.lists(
    st.tuples(st.integers(2020, 2040), st.sampled_from(["legal", "HR, payroll and ICT"]), pence), max_size=8
)


@settings(max_examples=25, deadline=None)
@given(investments=lines, planned=savings, kind=st.sampled_from(ss.FORMATS))
def test_any_case_reads_back_to_the_same_totals(investments: list[Any], planned: list[Any], kind: str) -> None:
    case = BusinessCase(
        tuple(Investment(y, c, a, r) for y, c, r, a in investments), tuple(Saving(y, s, a) for y, s, a in planned)
    )
    back = ss.parse(ss.read(ss.write(ss.book_rows(case, [NB], [], [], 2026), kind), kind), [NB])
    merged = ss.merge_case(case, back.case)

    def totals(c: BusinessCase) -> dict[Any, D]:
        out: dict[Any, D] = {}
        for i in c.investments:
            out[(i.year, i.category, i.recurring)] = out.get((i.year, i.category, i.recurring), D(0)) + i.amount
        for s in c.savings:
            out[(s.year, s.service)] = out.get((s.year, s.service), D(0)) + s.amount
        return out

    assert totals(back.case) == totals(case)
    assert set(merged.investments) == set(case.investments) or totals(merged) == totals(case)
    # the sheet's rows are the appraisal period: the case's own, or ten years from this one for a template
    assert merged.period() == (case.period() or list(range(2026, 2036)))


def test_checking_a_spreadsheet_says_what_it_would_change_and_changes_nothing(
    money: ProgrammeView, entry: MoneyEntry, programmes: Programmes
) -> None:
    data = edit_cell(entry.export_spreadsheet(money.id, "ods"), "ods", "Business case", 3, 3, 990000)
    data = edit_cell(data, "ods", "Actual savings", 3, 2, None)
    before, logged = entry.case(money.id), len(money_events(programmes, money.id))
    _sheets, preview = entry.check_spreadsheet(money.id, data, "ods", programmes.actor(PRIYA))
    assert [(c.sheet, str(c.item), c.before, c.after) for c in preview.changes] == [
        ("Business case", "2027-28 IT (one-off)", D("950000.00"), D("990000.00")),
        ("Actual savings", "2027-28 revenues and benefits", D("132500.00"), None),
    ]
    assert preview.period_before == preview.period_after == tuple(range(2026, 2036))
    assert entry.case(money.id) == before and len(money_events(programmes, money.id)) == logged
    with pytest.raises(NotAllowedError):
        entry.check_spreadsheet(money.id, data, "ods", programmes.actor("sam.ellis@audit.example"))


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=D(0), max_value=D("100000000000"), places=2))
def test_any_amount_written_as_people_write_it_reads_back_exactly(amount: D) -> None:
    for text in (f"{amount:,.2f}", f"£{amount:,.2f}", f"{amount:f}", f" £{amount:,} "):
        assert entered.pounds(text, "Amount") == amount
    assert entered.pounds(f"-£{amount:,.2f}", "Amount", negative=True) == -amount
    if amount:
        with pytest.raises(InvalidError, match="Amount must be £0 or more"):
            entered.pounds(f"-{amount}", "Amount")


@given(text=st.text(max_size=30))
def test_whatever_is_typed_is_an_amount_or_a_sentence_about_it(text: str) -> None:
    try:
        value = entered.pounds(text, "Amount")
    except InvalidError as exc:
        assert str(exc).startswith(("Amount must", "Enter the amount")), str(exc)
    else:
        assert value == value.quantize(D("0.01")) and D(0) <= value <= D("100000000000")


@given(text=st.text(max_size=20), day=st.text(max_size=5), month=st.text(max_size=5))
def test_every_reader_of_typed_text_answers_a_value_or_a_sentence(text: str, day: str, month: str) -> None:
    readers = [
        lambda: entered.number(text, "Share", "values"),
        lambda: entered.whole(text, "Notice period", "months", largest=1200),
        lambda: entered.financial_year(text),
        lambda: entered.day(text, month, day, "Date", "on"),
    ]
    for read in readers:
        try:
            read()
        except InvalidError as exc:
            assert str(exc)[:1].isupper() and "Traceback" not in str(exc)


def test_a_file_that_would_unpack_to_too_much_is_refused_before_it_is_read() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<" + b" " * 60_000_000)
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(ss.SpreadsheetError, match="unpacks to more than 50 MB"):
        ss.read(out.getvalue(), "xlsx")
