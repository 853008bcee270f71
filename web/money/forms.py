"""The money's forms: the business case a line at a time, the sharing basis, the pre-nup's terms, costs and
savings actually made, and a spreadsheet upload. Every field is read by :mod:`workflow.money.entered`, so a
wrong value comes back as a sentence beside the field ("Amount must be £0 or more"), never a library's text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import Field, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from web.extensions import error_text
from web.forms import FlaskForm, NoNul, OneLine, options
from web.forms.dates import DateInput
from web.money.words import CATEGORY_WORDS, RECOMPUTE_WORDS
from workflow.engine.errors import InvalidError
from workflow.money import entered
from workflow.money.case import CATEGORIES
from workflow.money.sharing import BasisKind

CATEGORY_CHOICES = options((c, CATEGORY_WORDS[c]) for c in CATEGORIES)
YES_NO = options([("no", _l("No")), ("yes", _l("Yes"))])
#: Exit costs the pre-nup may price, as the pamphlet names them.
EXIT_COSTS = ("set_up", "redundancy", "pension_strain")


class Entered:
    """Reads a field with one of :mod:`workflow.money.entered`'s functions; the value read is ``field.parsed``.
    Empty is fine unless ``required`` (then the function's own "Enter ..." message shows)."""

    def __init__(self, read: Callable[[str, str], Any], required: bool = True) -> None:
        self.read, self.required = read, required

    def __call__(self, form: Any, field: Field) -> None:
        text = (field.data or "").strip()
        field.parsed = None  # type: ignore[attr-defined]
        if not text and not self.required:
            return
        try:
            field.parsed = self.read(text, str(field.label.text))  # type: ignore[attr-defined]
        except InvalidError as exc:
            raise StopValidation(error_text(exc)) from None


class Chosen:
    """One of the field's choices, or ``message`` (instead of WTForms' own "Not a valid choice")."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        values = [getattr(c, "value", None) for c in getattr(field, "choices", None) or []]
        if field.data not in values:
            raise StopValidation(str(self.message))


def at_most(label: Any, most: int) -> Length:
    """At most ``most`` characters, the message naming ``label`` (in the page's language)."""
    return _AtMost(label, most)


class _AtMost(Length):
    def __init__(self, label: Any, most: int) -> None:
        super().__init__(max=most)
        self.label = label

    def __call__(self, form: Any, field: Any) -> None:
        if len(field.data or "") > self.max:
            words = _l("%(label)s must be %(most)s characters or fewer", label=str(self.label), most=str(self.max))
            raise ValidationError(str(words))


def amount_field(label: Any, required: bool = True) -> StringField:
    return StringField(label, validators=[at_most(label, 30), Entered(lambda t, lab: entered.pounds(t, lab), required)])


FINANCIAL_YEAR = _l("Financial year")


def year_field(label: Any = FINANCIAL_YEAR) -> StringField:
    return StringField(label, validators=[at_most(label, 20), Entered(lambda t, lab: entered.financial_year(t, lab))])


def months_field(label: Any) -> StringField:
    return StringField(
        label,
        validators=[at_most(label, 10), Entered(lambda t, lab: entered.whole(t, lab, "months", largest=1200))],
    )


def text_field(label: Any, missing: Any, most: int = 100) -> StringField:
    return StringField(label, validators=[DataRequired(missing), at_most(label, most), OneLine()])


class InvestmentForm(FlaskForm):
    year = year_field()
    category = SelectField(
        _l("Category"),
        choices=CATEGORY_CHOICES,
        validate_choice=False,
        validators=[DataRequired(_l("Select a category")), Chosen(_l("Select a category from the list"))],
    )
    recurring = RadioField(
        _l("Does it come back every year?"),
        choices=YES_NO,
        default="no",
        validate_choice=False,
        validators=[Chosen(_l("Select yes or no"))],
    )
    amount = amount_field(_l("Amount"))
    note = StringField(_l("Note (optional)"), validators=[at_most(_l("Note"), 400), OneLine()])


class SavingForm(FlaskForm):
    year = year_field()
    service = text_field(_l("Service"), _l("Enter the service, like revenues and benefits"))
    amount = amount_field(_l("Planned savings"))


class BaselineForm(FlaskForm):
    partner = SelectField(
        _l("Partner"),
        validate_choice=False,
        validators=[DataRequired(_l("Select the partner")), Chosen(_l("Select one of the programme's partners"))],
    )
    service = text_field(_l("Service"), _l("Enter the service, like revenues and benefits"))
    amount = amount_field(_l("Baseline cost a year"))


def basis_form(partners: Sequence[str], formdata: Any = None, **kwargs: Any) -> Any:
    """The sharing basis form with one value field per partner (``value_0``, ``value_1``, ...)."""

    def value(text: str, label: str) -> Any:
        return entered.number(text, label, "values")

    fields = {
        f"value_{i}": StringField(name, validators=[at_most(name, 20), Entered(value, required=False)])
        for i, name in enumerate(partners)
    }
    form_class = type("BasisForm", (BasisFormBase,), fields)
    return form_class(formdata=formdata, **kwargs)


class BasisFormBase(FlaskForm):
    kind = RadioField(
        _l("How costs are shared"),
        choices=options(
            [
                (BasisKind.POPULATION.value, _l("By population")),
                (BasisKind.EQUAL.value, _l("Equally")),
                (BasisKind.NET_BUDGET.value, _l("By net budget")),
                (BasisKind.FIXED.value, _l("Fixed percentages")),
                (BasisKind.DRIVER.value, _l("By a driver, such as posts or cases")),
            ]
        ),
        validate_choice=False,
        validators=[Chosen(_l("Select how costs are shared"))],
    )
    service = StringField(_l("Service (optional)"), validators=[at_most(_l("Service"), 100), OneLine()])
    driver = StringField(_l("Driver (for a driver basis)"), validators=[at_most(_l("Driver"), 100), OneLine()])
    threshold = StringField(
        _l("Re-true threshold, in percentage points (optional)"),
        validators=[
            at_most(_l("Re-true threshold"), 20),
            Entered(lambda t, lab: entered.number(t, lab, "threshold", largest=Decimal(100)), required=False),
        ],
    )


class TermsForm(FlaskForm):
    notice_months = months_field(_l("Notice period, in months"))
    minimum_term_months = months_field(_l("Minimum term, in months"))
    starts_on = DateInput("Date the agreement starts")
    recompute = RadioField(
        _l("How the remaining partners share after one leaves"),
        choices=options(RECOMPUTE_WORDS.items()),
        default="basis",
        validate_choice=False,
        validators=[Chosen(_l("Select how the remaining partners share"))],
    )
    exit_set_up = amount_field(_l("Set-up costs a leaver pays in full"), required=False)
    exit_redundancy = amount_field(_l("Redundancy costs a leaver pays in full"), required=False)
    exit_pension_strain = amount_field(_l("Pension-strain costs a leaver pays in full"), required=False)


class TermForm(FlaskForm):
    stage = SelectField(
        _l("From stage"),
        validate_choice=False,
        validators=[DataRequired(_l("Select the stage")), Chosen(_l("Select one of the lifecycle's stages"))],
    )
    fixed_sum = amount_field(_l("Fixed sum"), required=False)
    share_of_costs = RadioField(
        _l("Does the leaver pay its share of the costs incurred to date?"),
        choices=YES_NO,
        default="no",
        validate_choice=False,
        validators=[Chosen(_l("Select yes or no"))],
    )
    exit_costs = RadioField(
        _l("Does the leaver pay the exit costs in full?"),
        choices=YES_NO,
        default="no",
        validate_choice=False,
        validators=[Chosen(_l("Select yes or no"))],
    )


class CostForm(FlaskForm):
    on = DateInput("Date the money was spent", required=True)
    category = SelectField(
        _l("Category"),
        choices=CATEGORY_CHOICES,
        validate_choice=False,
        validators=[DataRequired(_l("Select a category")), Chosen(_l("Select a category from the list"))],
    )
    amount = amount_field(_l("Amount spent"))
    note = TextAreaField(_l("Note (optional)"), validators=[at_most(_l("Note"), 4000), NoNul()])


class ActualSavingForm(FlaskForm):
    year = year_field()
    service = text_field(_l("Service"), _l("Enter the service, like revenues and benefits"))
    amount = amount_field(_l("Savings actually made"))


class UploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .ods)"), validators=[FileRequired(_l("Select a spreadsheet to upload"))])


class ConfirmForm(FlaskForm):
    """Confirms a checked spreadsheet: the figures travel signed, so they cannot be altered on the way."""

    token = HiddenField(validators=[DataRequired(), Length(max=1_500_000)])


def parsed(field: Field) -> Any:
    """What :class:`Entered` read from ``field`` (None: empty and optional)."""
    return getattr(field, "parsed", None)


__all__ = [
    "EXIT_COSTS",
    "ActualSavingForm",
    "BaselineForm",
    "ConfirmForm",
    "CostForm",
    "InvestmentForm",
    "SavingForm",
    "TermForm",
    "TermsForm",
    "UploadForm",
    "basis_form",
    "parsed",
]
