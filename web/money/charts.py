"""Charts drawn on the server as self-contained SVG (no script, no network): the highlight report's plan
against actual savings, on its page and in its PDF."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from web.extensions import _
from workflow.money.benefits import Variance
from workflow.money.case import ZERO


def chart_svg(rows: Sequence[Variance], width: int = 640, height: int = 240) -> str:
    """Plan (outlined) against actual (filled) bars per year, as a self-contained SVG with text labels."""
    top = max([r.planned for r in rows] + [r.actual or ZERO for r in rows] + [Decimal(1)])
    n, pad, base = max(len(rows), 1), 40, height - 30
    slot = (width - 2 * pad) // n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(_("Savings: plan against actual by financial year"))}">',
        f'<line x1="{pad}" y1="{base}" x2="{width - pad}" y2="{base}" stroke="#000"/>',
    ]
    for i, r in enumerate(rows):
        x = pad + i * slot
        for offset, value, style in (
            (4, r.planned, 'fill="none" stroke="#1d70b8" stroke-width="2"'),
            (slot // 2, r.actual, 'fill="#00703c"'),
        ):
            if value is None:
                continue
            h = int((max(value, ZERO) / top * (base - 20)).to_integral_value())
            parts.append(
                f'<rect x="{x + offset}" y="{base - h}" width="{slot // 2 - 6}" height="{h}" {style}>'
                f"<title>{escape(r.label)}: £{value:,.2f}</title></rect>"
            )
        parts.append(
            f'<text x="{x + slot // 2}" y="{base + 18}" font-size="11" text-anchor="middle">{escape(r.label)}</text>'
        )
    top_words = f"{top:,.0f}"
    legend = _("Plan (outline) and actual (filled); top £%(top)s", top=top_words)
    parts.append(f'<text x="{pad}" y="14" font-size="11">{escape(legend)}</text></svg>')
    return "".join(parts)
