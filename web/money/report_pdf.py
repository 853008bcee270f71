"""The steering group's highlight report as a PDF, drawn with fpdf2 (pure Python, no network): the same
figures as the report page, with the plan-against-actual chart embedded as SVG, in the page's language. The
text is set in DejaVu Sans (embedded, from the npm package ``dejavu-fonts-ttf``, copied by ``make setup``),
which draws every letter of Welsh (ŵ, ŷ) as well as £ and dashes: the PDF core fonts cannot."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from flask_babel import format_date, format_datetime, get_locale
from fpdf import FPDF
from fpdf.fonts import FontFace

from web.extensions import _
from web.money.charts import chart_svg
from web.titles import local
from workflow.money.benefits import HighlightReport
from workflow.records.raid import RaidEntryView

FONT = "DejaVu"
FONTS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"
INK = (11, 12, 12)
GREY = (80, 90, 95)


def _text(value: Any) -> str:
    return str(value)


def _money(value: Any) -> str:
    if value is None:
        return "-"
    return f"-£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 6, _text(_("Page %(n)s", n=self.page_no())), align="C")


def highlight_pdf(
    report: HighlightReport, time: dict[str, Any], compress: bool = True, risks: Sequence[RaidEntryView] = ()
) -> bytes:
    """The report as PDF bytes; ``time`` holds ``entered``, ``days_in_stage`` and ``timeline`` rows as the
    page shows them. ``compress=False`` leaves the page text readable in the file (for tests)."""
    pdf = _Report(format="A4")
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_compression(compress)
    pdf.set_title(
        _text(_("%(programme)s: highlight report %(period)s", programme=report.programme, period=report.period))
    )
    pdf.set_lang("cy-GB" if str(get_locale()) == "cy" else "en-GB")
    pdf.set_creator("banns")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    _heading(pdf, report)
    _status(pdf, report)
    _time(pdf, report, time)
    _cost_and_benefits(pdf, report)
    _top_risks(pdf, risks)
    _waiting(pdf, report)
    return bytes(pdf.output())


def _heading(pdf: FPDF, report: HighlightReport) -> None:
    pdf.set_text_color(*GREY)
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 6, _text(_("Highlight report for the steering group")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, _text(report.programme), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=11)
    pdf.cell(
        0,
        6,
        _text(
            _("Period %(period)s, as of %(day)s", period=report.period, day=format_date(report.as_of, "d MMMM yyyy"))
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 8, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)


def _pairs(pdf: FPDF, rows: Sequence[tuple[str, str]]) -> None:
    with pdf.table(
        col_widths=(60, 130),
        text_align=("LEFT", "LEFT"),
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        line_height=6,
    ) as table:
        for key, value in rows:
            row = table.row()
            row.cell(_text(key), style=FontFace(emphasis="BOLD"))
            row.cell(_text(value))


def _status(pdf: FPDF, report: HighlightReport) -> None:
    _section(pdf, _("Overall status"))
    c = report.confidence
    rows = [
        (
            _("Delivery confidence"),
            f"{c.rating} ({_('Gateway scale') if c.scale == 'gateway' else _('RAG')}, {c.period})"
            if c
            else _("Not rated"),
        )
    ]
    if c:
        rows.append((_("Commentary"), c.commentary))
    _pairs(pdf, rows)


def _time(pdf: FPDF, report: HighlightReport, time: dict[str, Any]) -> None:
    _section(pdf, _("Time"))
    days_in_stage = _("%(n)s days", n=time["days_in_stage"])
    rows = [
        (_("Stage"), local(report.stage_title)),
        (_("In this stage since"), f"{format_datetime(time['entered'], 'd MMMM yyyy')} ({days_in_stage})"),
        (
            _("Planned end of stage"),
            format_date(report.stage_planned_end, "d MMMM yyyy") if report.stage_planned_end else _("Not planned"),
        ),
    ]
    if report.days_late:
        rows.append((_("Past its planned end by"), _("%(n)s days", n=report.days_late)))
    _pairs(pdf, rows)
    pdf.ln(2)
    headings = (_("Stage"), _("Planned"), _("Actual"), _("Days late (+) or early (-)"))
    with pdf.table(
        col_widths=(45, 55, 55, 35),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row([_text(h) for h in headings])
        for r in time["timeline"]:
            planned = f"{_day(r.planned_start)} - {_day(r.planned_end)}" if r.planned_start or r.planned_end else ""
            actual = f"{_day(r.actual_start)} - {_day(r.actual_end) or _('now')}" if r.actual_start else ""
            late = f"{r.variance_days:+d}" if r.variance_days is not None else ""
            table.row([_text(local(r.title)), _text(planned), _text(actual), late])


def _day(value: Any) -> str:
    return format_date(value, "d MMM yyyy") if value else ""


def _cost_and_benefits(pdf: FPDF, report: HighlightReport) -> None:
    _section(pdf, _("Cost"))
    _pairs(
        pdf,
        [
            (_("Planned investment to date"), _money(report.planned_investment_to_date)),
            (_("Costs incurred to date"), _money(report.costs_incurred_to_date)),
        ],
    )
    _section(pdf, _("Benefits: savings, plan against actual"))
    _pairs(
        pdf,
        [
            (_("Planned savings to date"), _money(report.planned_savings_to_date)),
            (_("Actual savings to date"), _money(report.actual_savings_to_date)),
        ],
    )
    pdf.ln(2)
    headings = (_("Financial year"), _("Plan"), _("Actual"), _("Variance"), _("Variance %"))
    with pdf.table(
        col_widths=(30, 45, 45, 45, 25),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row([_text(h) for h in headings])
        for v in report.savings:
            table.row(
                [
                    v.label,
                    _text(_money(v.planned)),
                    _text(_money(v.actual) if v.actual is not None else _("Not recorded")),
                    _text(_money(v.variance)),
                    f"{v.variance_percent}%" if v.variance_percent is not None else "",
                ]
            )
    if pdf.will_page_break(80):
        pdf.add_page()
    pdf.ln(3)
    pdf.image(BytesIO(chart_svg(report.savings).encode("utf-8")), w=pdf.epw)
    pdf.set_font(FONT, size=9)
    pdf.cell(0, 5, _text(_("Plan is outlined in blue; actual is filled in green.")), new_x="LMARGIN", new_y="NEXT")


def _waiting(pdf: FPDF, report: HighlightReport) -> None:
    _section(pdf, _("Risks and issues: what waits on whom"))
    if not report.waiting_on:
        pdf.multi_cell(
            0,
            6,
            _text(_("Nothing is waiting: the gate's criteria and sign-offs are met.")),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    for item in report.waiting_on:
        pdf.multi_cell(0, 6, _text(f"- {item[:1].upper()}{item[1:]}"), align="L", new_x="LMARGIN", new_y="NEXT")


def _top_risks(pdf: FPDF, risks: Sequence[RaidEntryView]) -> None:
    _section(pdf, _("Top risks"))
    if not risks:
        pdf.multi_cell(0, 6, _text(_("No open risks are recorded in the RAID log.")), new_x="LMARGIN", new_y="NEXT")
    for r in risks:
        line = _(
            "%(title)s: %(rating)s (%(band)s), owner %(owner)s",
            title=r.title,
            rating=r.rating,
            band=r.band,
            owner=r.owner_name,
        )
        pdf.multi_cell(0, 6, _text(f"- {line}"), align="L", new_x="LMARGIN", new_y="NEXT")
