"""A programme's money as the API and ``banns money ... --json`` show it, as pydantic models (see
:mod:`.programmes`): every amount is pounds and pence as text (``"1234.57"``), exact both ways, never a binary
fraction. A request's amount must be text too, and is read as the money forms read it: £0 or more, whole pence,
at most £100bn. Financial years are written as the import file writes them (``"2027-28"``). Answers are read
from the money engine's frozen results (``from_attributes``), adding no rule of their own.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema, model_validator
from pydantic.json_schema import SkipJsonSchema

from workflow.engine.errors import InvalidError
from workflow.engine.text import Day, SingleLine
from workflow.money import years as fy
from workflow.money.case import CATEGORIES
from workflow.money.sharing import BasisKind

from .programmes import Body, Shape
from .records import RaidEntry

# --- money, numbers and years as text -------------------------------------------------------------------------

#: £0 to £100bn in pounds and (optionally) pence, as the money forms accept it, without commas or a £ sign
AMOUNT = r"^(100000000000(\.00?)?|[0-9]{1,11}(\.[0-9]{1,2})?)$"
#: a percentage or a driver value (posts, cases): 0 or more, at most six decimal places
NUMBER = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
YEAR = r"^20[0-9]{2}-[0-9]{2}$"
PERIOD = r"^20[0-9]{2}-[0-9]{2} Q[1-4]$"
EXIT_COSTS = ("set_up", "redundancy", "pension_strain")


def _text(pattern: str, words: str) -> Any:
    def read(value: Any) -> Decimal:
        if not isinstance(value, str):
            raise ValueError(f"write it as text, like {words}, so that nothing is approximated")
        if not re.fullmatch(pattern, value):
            raise ValueError(f"must be {words}")
        return Decimal(value)

    return read


def _year(value: Any) -> int:
    if not isinstance(value, str) or not re.fullmatch(YEAR, value):
        raise ValueError("must be a financial year written like 2027-28")
    try:
        return fy.parse(value)
    except InvalidError as exc:
        raise ValueError(str(exc)) from None


def _label(value: Any) -> Any:
    return fy.label(value) if isinstance(value, int) and not isinstance(value, bool) else value


#: pounds and pence in a request: text, £0 or more, whole pence, at most £100bn
Amount = Annotated[
    Decimal,
    BeforeValidator(_text(AMOUNT, 'pounds and pence of £0 to £100bn, like "1234.57"')),
    WithJsonSchema({"type": "string", "pattern": AMOUNT, "description": "pounds and pence, as text"}),
]
Number = Annotated[
    Decimal,
    BeforeValidator(_text(NUMBER, 'a number of 0 or more, like "33.5"')),
    WithJsonSchema({"type": "string", "pattern": NUMBER, "description": "a number of 0 or more, as text"}),
]
Year = Annotated[
    int,
    BeforeValidator(_year),
    WithJsonSchema({"type": "string", "pattern": YEAR, "description": "a financial year, like 2027-28"}),
]
#: pounds and pence in an answer (negative where a net position is)
Money = Annotated[
    Decimal,
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "description": "pounds and pence, as text"},
        mode="serialization",
    ),
]
#: a share or rate, exact, as text (``"33.3333"``)
Exact = Annotated[Decimal, PlainSerializer(str, return_type=str)]
YearLabel = Annotated[str, BeforeValidator(_label), Field(description="a financial year, like 2027-28")]
Text = Annotated[SingleLine, Field(min_length=1, max_length=100)]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
ExitCost = Literal[EXIT_COSTS]  # type: ignore[valid-type]

# --- the business case --------------------------------------------------------------------------------------


class InvestmentLine(Body):
    year: Year
    category: Category
    amount: Amount
    recurring: bool = False
    note: Annotated[SingleLine, Field(max_length=400)] = ""


class SavingLine(Body):
    year: Year
    service: Text
    amount: Amount


class BaselineLine(Body):
    partner: Text = Field(description="the name of a partner of the programme")
    service: Text
    amount: Amount


class CaseRequest(Body):
    """The whole business case, replacing the one recorded (lines left out are removed)."""

    first_year: Year | SkipJsonSchema[None] = None
    years: Annotated[int, Field(ge=1, le=60)] | SkipJsonSchema[None] = None
    investments: list[InvestmentLine] = Field(default_factory=list, max_length=500)
    savings: list[SavingLine] = Field(default_factory=list, max_length=500)
    baselines: list[BaselineLine] = Field(default_factory=list, max_length=500)


class Investment(Shape):
    year: YearLabel
    category: str
    amount: Money
    recurring: bool
    note: str


class Saving(Shape):
    year: YearLabel
    service: str
    amount: Money


class Baseline(Shape):
    partner: str
    service: str
    amount: Money


class MoneyCase(Shape):
    """The business case's figures: investment by year and category, planned savings, partners' baselines."""

    first_year: YearLabel | None
    years: int | None
    investments: list[Investment]
    savings: list[Saving]
    baselines: list[Baseline]


# --- sharing -------------------------------------------------------------------------------------------------


class BasisRequest(Body):
    """How the programme's costs (``service`` empty) or one service's savings are shared from now on."""

    service: Annotated[SingleLine, Field(max_length=100)] = ""
    kind: BasisKind
    values: dict[Text, Number] = Field(
        default_factory=dict, max_length=100, description="per partner (by name): percentages (fixed) or driver values"
    )
    driver: Annotated[SingleLine, Field(max_length=100)] = ""
    retrue_threshold: Number = Field(default=Decimal(0), description="percentage points a re-true must exceed")


#: Words the money engine says (a basis described, a line of an explanation), in English: ``str()`` of them.
English = Annotated[str, BeforeValidator(str)]


class Split(Shape):
    service: str = Field(description="empty: the programme's costs")
    basis: English
    threshold: Exact
    shares: dict[str, Exact] = Field(description="per cent, by partner")


class Splits(BaseModel):
    items: list[Split]


# --- the pre-nuptial agreement ---------------------------------------------------------------------------------


class TermRequest(Body):
    from_stage: Text = Field(description="the stage of the lifecycle from which the term applies")
    fixed_sum: Amount = Decimal("0.00")
    share_of_costs: bool = False
    exit_costs: list[ExitCost] = Field(default_factory=list, max_length=3)


class AgreementRequest(Body):
    """The pre-nup, replacing any recorded: notice, minimum term, priced exit costs, what a leaver owes by stage."""

    notice_months: Annotated[int, Field(ge=0, le=1200)] | SkipJsonSchema[None] = None
    minimum_term_months: Annotated[int, Field(ge=0, le=1200)] | SkipJsonSchema[None] = None
    starts_on: Day | SkipJsonSchema[None] = None
    recompute: Literal["basis", "pro_rata", "equal"] = "basis"
    exit_costs: dict[ExitCost, Amount] = Field(default_factory=dict)
    terms: list[TermRequest] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _priced(self) -> AgreementRequest:
        for term in self.terms:
            unpriced = [n for n in term.exit_costs if n not in self.exit_costs]
            if unpriced:
                raise ValueError(f"exit cost {', '.join(unpriced)} is named in a term but not priced in exit_costs")
        return self


class Term(Shape):
    from_stage: str
    fixed_sum: Money
    share_of_costs: bool
    exit_costs: list[str]


class Agreement(Shape):
    recorded: bool = Field(description="false: no agreement yet (the other members are empty)")
    notice_months: int | None = None
    minimum_term_months: int | None = None
    starts_on: date | None = None
    recompute: str = "basis"
    exit_costs: dict[str, Money] = {}
    terms: list[Term] = []


# --- results and what-if ---------------------------------------------------------------------------------------


class YearFigures(Shape):
    year: YearLabel
    investment: Money
    savings: Money
    net: Money
    cumulative: Money
    discount_factor: Exact
    present_value: Money


class PartnerYear(Shape):
    partner: str
    year: YearLabel
    costs: Money
    savings: Money
    net: Money
    cumulative: Money


class Scenario(Shape):
    name: str
    title: str
    total_savings: Money
    total_net: Money
    payback_year: YearLabel | None
    npv: Money


class Results(Shape):
    """Every partner's share of costs and savings by year, net, cumulative, payback, NPV, sensitivity."""

    years: list[YearFigures]
    partners: list[PartnerYear]
    total_investment: Money
    total_savings: Money
    total_net: Money
    payback_year: YearLabel | None
    payback_years: int | None
    npv: Money
    discount_rate: Exact
    sensitivity: list[Scenario]


class WhatIfQuery(BaseModel):
    """Whose withdrawal, on which day (left out: today)."""

    model_config = {"extra": "forbid"}

    partner_id: int = Field(ge=1, le=2**31 - 1, description="the id of a current partner")
    on: Day | SkipJsonSchema[None] = Field(default=None, description="the day of the withdrawal (default today)")


class Liability(Shape):
    partner: str
    stage: str
    term_from: str | None = Field(description="the stage whose term applies; none: nothing is owed yet")
    share_percent: Exact
    costs_to_date: Money
    owed_by_earlier_leavers: Money
    share_of_costs: Money
    fixed_sum: Money
    exit_costs: Annotated[dict[str, Money], BeforeValidator(dict)]
    total: Money
    notice_ends: date | None
    within_minimum_term: bool
    explanation: list[English]


class WhatIf(Shape):
    """What the partner would owe if it withdrew that day, and how everyone's shares would change."""

    liability: Liability
    shares_before: dict[str, Exact]
    shares_after: dict[str, Exact]
    costs_to_date_split: dict[str, Money]


# --- actuals and the highlight report -----------------------------------------------------------------------------


class CostRequest(Body):
    on: Day
    category: Category
    amount: Amount
    note: Annotated[SingleLine, Field(max_length=400)] = ""


class ActualRequest(Body):
    """Savings a service actually made in a financial year (recording it again corrects it)."""

    year: Year
    service: Text
    amount: Amount


class Variance(Shape):
    year: YearLabel
    service: str = Field(description='"all": every service')
    planned: Money
    actual: Money | None
    variance: Money | None
    variance_percent: Exact | None


class Measure(Shape):
    year: YearLabel
    name: str
    unit: str
    planned: Exact
    actual: Exact | None


class Confidence(Shape):
    period: str
    scale: str
    rating: str
    commentary: str
    recorded_at: datetime


class Actuals(Shape):
    """Savings actually made against plan, by service and year; service measures; delivery confidence."""

    by_service: list[Variance]
    by_year: list[Variance]
    measures: list[Measure]
    confidence: list[Confidence]


class CostRecorded(BaseModel):
    costs_to_date: Money = Field(description="every cost incurred up to today, this one included")


class HighlightQuery(BaseModel):
    model_config = {"extra": "forbid"}

    period: Annotated[str, Field(pattern=PERIOD)] | SkipJsonSchema[None] = Field(
        default=None, description="a reporting period like 2027-28 Q1 (default: the current quarter)"
    )


class Highlight(Shape):
    """The steering group's highlight report for a period: status, time, cost, benefits, what waits on whom."""

    programme_id: int
    programme: str
    period: str
    as_of: date
    stage: str
    stage_title: str
    stage_planned_end: date | None
    days_late: int
    confidence: Confidence | None
    planned_investment_to_date: Money
    costs_incurred_to_date: Money
    planned_savings_to_date: Money
    actual_savings_to_date: Money
    savings: list[Variance]
    waiting_on: list[str]
    top_risks: list[RaidEntry] = Field(default=[], description="the open risks with the highest ratings")
