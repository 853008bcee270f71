"""The GOV.UK date input as one WTForms field: three boxes ``<name>_day``, ``<name>_month`` and ``<name>_year``
read as one date (2000 to 2100), with one error naming the date in words and only the wrong boxes marked.

Render it with the ``date_input`` macro in ``macros.html``; the error summary links to the first wrong box.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from web.extensions import error_text
from workflow.engine.day_parts import PARTS, DayPartsError, day_from_parts

#: What a box may hold before it is refused unread (a real day, month or year is far shorter).
_LONGEST = 20


class DateInput(Field):
    """A date typed as day, month and year. ``data`` is the :class:`datetime.date`, or None when left empty
    (allowed unless ``required``; then ``missing`` or "Enter the <label>" is the error). ``parts`` holds what
    was typed, to show it again; ``wrong`` the boxes to mark after an error."""

    type = "DateInput"

    def __init__(
        self, label: Any = None, validators: Any = None, *, required: bool = False, missing: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.required, self.missing = required, missing
        self.parts: dict[str, str] = dict.fromkeys(PARTS, "")
        self.wrong: tuple[str, ...] = ()
        self.typed = False

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        self.wrong, self.typed = (), False
        if isinstance(self.data, date):
            self.parts = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        else:
            self.data, self.parts = None, dict.fromkeys(PARTS, "")
        if formdata is not None:
            self.typed = True
            self.parts = {p: str(formdata.get(f"{self.name}_{p}") or "")[:_LONGEST] for p in PARTS}
            self.data = None

    def pre_validate(self, form: Any) -> None:
        empty = not any(v.strip() for v in self.parts.values())
        if not self.typed or (empty and not self.required):
            return
        if empty and self.missing:
            self.wrong = PARTS
            raise StopValidation(str(self.missing))
        try:
            self.data = day_from_parts(
                self.parts["day"], self.parts["month"], self.parts["year"], str(self.label.text), self.name
            )
        except DayPartsError as exc:
            self.wrong = exc.parts
            raise StopValidation(error_text(exc)) from None

    def box_id(self, part: str) -> str:
        return f"{self.id}_{part}"

    @property
    def anchor(self) -> str:
        """Where the error summary links: the first wrong box, else the day box."""
        return self.box_id(self.wrong[0] if self.wrong else "day")

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""


__all__ = ["DateInput"]
