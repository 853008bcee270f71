"""The highlight report's chart: drawn by the web layer from the money package's figures."""

from __future__ import annotations

from decimal import Decimal as D

from flask import Flask

from web.money.charts import chart_svg
from workflow.money.benefits import Variance


def _variance(year: int, label: str, planned: str, actual: str | None) -> Variance:
    return Variance(year, label, "all", D(planned), D(actual) if actual else None, None, None)


def test_the_chart_is_self_contained_svg_with_a_label_for_each_bar(app: Flask) -> None:
    rows = [_variance(2026, "2026-27", "300000", "270000"), _variance(2027, "2027-28", "400000", None)]
    with app.test_request_context():
        svg = chart_svg(rows)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "2026-27: £270,000.00" in svg and "2027-28: £400,000.00" in svg
    assert "2027-28: £0" not in svg  # no bar for a year with no actual yet
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_user_text_in_a_label_is_escaped(app: Flask) -> None:
    with app.test_request_context():
        svg = chart_svg([_variance(2026, "<script>x</script>", "1", "1")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
