"""What people type, checked the same way wherever it comes in (YAML files, web forms, the command line):
single-line text, multi-line text, email addresses, dates, amounts of money and ids.

Each rule is a function raising :class:`InvalidError` with the field, for use cases and boundaries, and an
``Annotated`` type for pydantic specs (a file's problem then names its line). The limits are deliberately
generous: they refuse what can only be a mistake or an attack, never a real programme.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from .errors import N_, InvalidError, Phrase, Word

#: Control characters (Unicode category Cc: C0, DEL and C1) but TAB, and the Unicode line and paragraph
#: separators: none belongs in a name, a title or any other one-line field.
_NOT_ON_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
#: Dates outside these are typing mistakes (a year 20277, a year 0027), not plans.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
#: The largest amount of money banns accepts: far above any partnership's budget.
LARGEST_AMOUNT = Decimal("100000000000.00")
PENNY = Decimal("0.01")
#: Ids are PostgreSQL ``integer`` columns: an id above this cannot exist.
LARGEST_ID = 2**31 - 1
MAX_EMAIL_LENGTH = 320

#: The characters a one-line field may not hold, named (with their article: "contains a line feed").
_NAMES = {
    "\x00": N_("a NUL"),
    "\t": N_("a tab"),
    "\n": N_("a line feed"),
    "\r": N_("a carriage return"),
    "\x7f": N_("a DEL"),
    "\u2028": N_("a line separator"),
    "\u2029": N_("a line separator"),
}


def single_line_problem(value: str) -> Phrase | None:
    """Why ``value`` cannot be a one-line field (a line break, NUL or other control character), or None."""
    found = _NOT_ON_ONE_LINE.search(value)
    if found is None:
        return None
    char = found.group()
    return Phrase(
        N_("contains {char} ({code}) at character {at}; write it on one line, as plain text"),
        char=Word(_NAMES.get(char) or N_("a control character")),
        code=f"U+{ord(char):04X}",
        at=found.start() + 1,
    )


def nul_problem(value: str) -> Phrase | None:
    """Why ``value`` cannot be stored at all (it holds a NUL character), or None."""
    at = value.find("\x00")
    if at < 0:
        return None
    return Phrase(N_("contains a NUL character (U+0000) at character {at}, which cannot be stored"), at=at + 1)


def _label(field: str, label: str | None) -> str:
    """What a field is called in an error: its ``label``, else its name as a person reads it."""
    return label or field.replace("_", " ").capitalize()


def labelled(problem: Phrase, label: str, field: str | None = None) -> InvalidError:
    """A text rule's ``problem`` as an error naming the field by its ``label`` (a form's, in its language)."""
    return InvalidError(N_("{label} {problem}"), field=field, label=label, problem=problem)


def single_line(value: str, field: str, label: str | None = None) -> str:
    """``value`` itself if it fits on one line.

    Raises:
        InvalidError: it holds a line break, NUL or other control character (TAB is allowed).
    """
    problem = single_line_problem(value)
    if problem:
        raise labelled(problem, _label(field, label), field)
    return value


def no_nul(value: str, field: str, label: str | None = None) -> str:
    """``value`` itself if it holds no NUL character (multi-line text: line breaks are fine).

    Raises:
        InvalidError: it holds a NUL.
    """
    problem = nul_problem(value)
    if problem:
        raise labelled(problem, _label(field, label), field)
    return value


def email_problem(value: str) -> Phrase | None:
    """Why ``value`` is not an email address (checked by email-validator, without asking DNS), or None."""
    if len(value) > MAX_EMAIL_LENGTH:
        return Phrase(N_("is too long for an email address (at most {most} characters)"), most=MAX_EMAIL_LENGTH)
    try:
        validate_email(value, check_deliverability=False, allow_display_name=False)
    except EmailNotValidError as exc:
        return Phrase(N_("'{value}' is not an email address: {problem}"), value=_short(value), problem=str(exc))
    return None


def email_address(value: str, field: str = "email") -> str:
    """The address in lower case, as banns stores it.

    Raises:
        InvalidError: not an email address.
    """
    value = value.strip()
    problem = email_problem(value)
    if problem is not None and len(value) > MAX_EMAIL_LENGTH:
        raise InvalidError(N_("Email address {problem}"), field=field, problem=problem)
    if problem is not None:
        raise InvalidError(problem.message, field=field, **problem.values)
    return value.lower()


def day_problem(day: date) -> Phrase | None:
    """Why ``day`` cannot be a date in a programme (before 2000 or after 2100), or None."""
    if EARLIEST_DAY <= day <= LATEST_DAY:
        return None
    return Phrase(
        N_("{day} is not a plausible date; expected a date from {earliest} to {latest}"),
        day=day,
        earliest=EARLIEST_DAY.year,
        latest=LATEST_DAY.year,
    )


def check_day(day: date, field: str, label: str | None = None) -> date:
    """Raises: InvalidError: ``day`` is before 2000 or after 2100."""
    problem = day_problem(day)
    if problem is not None and label:
        raise InvalidError(N_("{label}: {problem}"), field=field, label=label, problem=problem)
    if problem is not None:
        raise InvalidError(problem.message, field=field, **problem.values)
    return day


def amount_problem(amount: Decimal) -> Phrase | None:
    """Why ``amount`` is not an amount of money banns holds (not finite, over £100bn, not whole pence), or None."""
    if not amount.is_finite():
        return Phrase(N_("{amount} is not an amount banns can hold"), amount=amount)
    if abs(amount) > LARGEST_AMOUNT:
        return Phrase(
            N_("£{amount} is not an amount banns can hold: the most is £{most}"),
            amount=f"{amount:,}",
            most=f"{LARGEST_AMOUNT:,.0f}",
        )
    if amount != amount.quantize(PENNY):
        return Phrase(N_("£{amount} is not a whole number of pence"), amount=amount)
    return None


def check_amount(amount: Decimal, field: str = "amount") -> Decimal:
    """Raises: InvalidError: see :func:`amount_problem`."""
    problem = amount_problem(amount)
    if problem is not None:
        raise InvalidError(problem.message, field=field, **problem.values)
    return amount


def is_id(value: int) -> bool:
    """Whether ``value`` could be the id of a row (1 to 2,147,483,647)."""
    return 1 <= value <= LARGEST_ID


def _short(value: str) -> str:
    shown = value.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 60 else shown[:57] + "..."


# --- the same rules as pydantic types, for specs read from YAML or forms ------------------------------------


def _pydantic(problem_of: Any, kind: type) -> Any:
    """A pydantic validator raising ``ValueError`` with the rule's problem; other types are left to pydantic."""

    def check(value: Any) -> Any:
        problem = problem_of(value) if isinstance(value, kind) else None
        if problem:
            raise ValueError(problem)
        return value

    return check


def _email(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    problem = email_problem(value.strip())
    if problem:
        raise ValueError(problem)
    return value.strip().lower()


#: One line of text: a name, title, period, category, role... (checked before any stripping of spaces).
SingleLine = Annotated[str, BeforeValidator(_pydantic(single_line_problem, str))]
#: Text that may run over lines (a description, a note): no NUL.
MultiLine = Annotated[str, BeforeValidator(_pydantic(nul_problem, str))]
#: An email address, lower-cased.
EmailAddress = Annotated[str, AfterValidator(_email)]
#: A date from 2000 to 2100.
#: A date from 2000 to 2100 (its description says so too, so that a client can know before it asks).
Day = Annotated[
    date,
    AfterValidator(_pydantic(day_problem, date)),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"}),
]
#: A finite amount of whole pence, at most £100bn either way.
Amount = Annotated[Decimal, AfterValidator(_pydantic(amount_problem, Decimal))]
