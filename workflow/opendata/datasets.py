"""What each dataset holds, as data: its fields with their types, titles and descriptions. The Table Schemas,
the JSON Schemas and the files are all made from these, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

#: A field's type: ``integer``, ``string``, ``date`` (ISO 8601, UTC), ``boolean`` or ``decimal`` (pounds and
#: pence, exact, written as text with two decimal places).
FieldType = str


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    title: str
    description: str
    required: bool = True
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


PROGRAMME_ID = Field("programme_id", "integer", "Programme", "The programme's number in banns.")
PARTNER_ID = Field("partner_id", "integer", "Partner", "The partner's number in banns.")
PARTNER = Field("partner", "string", "Partner name", "The partner organisation.")
STAGE = Field("stage", "string", "Stage", "The stage's identifier in the programme's lifecycle.")
VISIT = Field(
    "visit", "integer", "Stage visit", "Which entry to a stage this was: it counts every move of the programme."
)

PROGRAMMES = Dataset(
    "programmes",
    "Programmes",
    "Each published shared-service partnership programme and where it stands.",
    (
        PROGRAMME_ID,
        Field("name", "string", "Name", "The programme's name."),
        Field("lifecycle", "string", "Lifecycle", "The lifecycle (definition) the programme runs on."),
        Field("lifecycle_version", "integer", "Lifecycle version", "The version of that lifecycle."),
        Field("current_stage", "string", "Current stage", "The stage or outcome it is at now."),
        Field("current_stage_title", "string", "Current stage title", "That stage's title in the lifecycle."),
        Field("started", "date", "Started", "The day the programme started (UTC)."),
        Field("ended", "date", "Ended", "The day it reached an outcome (live, dissolved, abandoned).", False),
        Field("published", "date", "Published", "The day its managers published it as open data (UTC)."),
    ),
    ("programme_id",),
)

PARTNERS = Dataset(
    "partners",
    "Partners",
    "The public bodies in each programme, when they joined and when any withdrew.",
    (
        PROGRAMME_ID,
        PARTNER_ID,
        PARTNER,
        Field("kind", "string", "Kind", "The kind of body (district council, NHS trust, ...)."),
        Field("joined", "date", "Joined", "The day the partner joined (UTC)."),
        Field("withdrawn", "date", "Withdrawn", "The day the partner withdrew, if it did (UTC).", False),
    ),
    ("partner_id",),
)

STAGES = Dataset(
    "stages",
    "Stages",
    "Each stage of each programme's lifecycle: planned dates, and when it was entered and left.",
    (
        PROGRAMME_ID,
        STAGE,
        Field("position", "integer", "Position", "The stage's place in the lifecycle, from 1."),
        Field("title", "string", "Title", "The stage's title in the lifecycle."),
        Field("planned_start", "date", "Planned start", "The planned start.", False),
        Field("planned_end", "date", "Planned end", "The planned end.", False),
        Field("entered", "date", "Entered", "The day the programme first entered the stage (UTC).", False),
        Field("left", "date", "Left", "The day it last left the stage; empty while there or never there.", False),
    ),
    ("programme_id", "stage"),
)

GATE_OUTCOMES = Dataset(
    "gate_outcomes",
    "Gate outcomes",
    "Each time a programme left a stage through its gate: passed, waived or returned to an earlier stage.",
    (
        PROGRAMME_ID,
        STAGE,
        VISIT,
        Field("round", "integer", "Round", "The round of sign-off requests last made in that visit.", False),
        Field("outcome", "string", "Outcome", "passed, waived or returned.", enum=("passed", "waived", "returned")),
        Field("to_stage", "string", "To stage", "The stage the programme moved to."),
        Field("date", "date", "Date", "The day of the outcome (UTC)."),
    ),
    ("programme_id", "visit"),
)

GATE_DECISIONS = Dataset(
    "gate_decisions",
    "Partners' gate decisions",
    "Each partner's decision on a gate that has an outcome, in the capacity it was asked (no person named).",
    (
        PROGRAMME_ID,
        Field(
            "decision_id",
            "integer",
            "Decision",
            "The decision's number in banns: a partner may decide more than once in a round, once a member.",
        ),
        STAGE,
        VISIT,
        Field(
            "subject", "string", "Subject", "What was decided: the gate, or a waiver of it.", enum=("gate", "waiver")
        ),
        Field("round", "integer", "Round", "The round of sign-off requests."),
        PARTNER_ID,
        PARTNER,
        Field("capacity", "string", "Capacity", "The role the partner decided through (signatory, s151 officer, ...)."),
        Field("decision", "string", "Decision", "approve or reject.", enum=("approve", "reject")),
        Field("date", "date", "Date", "The day of the decision (UTC)."),
    ),
    ("decision_id",),
)

BODY_DECISIONS = Dataset(
    "body_decisions",
    "Decisions of partners' bodies",
    "Each partner's democratic decision a gate asks for (cabinet, full council, trust board), and any call-in.",
    (
        PROGRAMME_ID,
        PARTNER_ID,
        PARTNER,
        STAGE,
        VISIT,
        Field("body", "string", "Body", "The partner's body that decides (cabinet, full_council, ...)."),
        Field("meeting_date", "date", "Meeting date", "The day of the meeting."),
        Field("key_decision", "boolean", "Key decision", "Whether it is a key decision."),
        Field("forward_plan_date", "date", "Forward plan date", "When it was put on the forward plan.", False),
        Field(
            "outcome", "string", "Outcome", "pending, approved or rejected.", enum=("pending", "approved", "rejected")
        ),
        Field("called_in", "date", "Called in", "The day the decision was last called in, if it was.", False),
        Field(
            "call_in_resolution",
            "string",
            "Call-in resolution",
            "decision_stands or referred_back; empty while unresolved or not called in.",
            False,
            ("decision_stands", "referred_back"),
        ),
        Field("call_in_resolved", "date", "Call-in resolved", "The day the call-in was resolved.", False),
    ),
    ("programme_id", "partner_id", "stage", "visit", "body"),
)

BUSINESS_CASE = Dataset(
    "business_case",
    "Business-case figures",
    "The business case's headline figures per financial year, in pounds (HM Treasury Green Book discounting).",
    (
        PROGRAMME_ID,
        Field("year", "integer", "Year", "The calendar year the financial year starts in (April)."),
        Field("financial_year", "string", "Financial year", "The financial year, as 2027-28."),
        Field("investment", "decimal", "Investment", "Planned investment in the year, in pounds."),
        Field("savings", "decimal", "Savings", "Planned savings in the year, in pounds."),
        Field("net", "decimal", "Net", "Savings less investment, in pounds."),
        Field("cumulative", "decimal", "Cumulative net", "The net position to the end of the year, in pounds."),
        Field("present_value", "decimal", "Present value", "The year's net discounted at 3.5% a year, in pounds."),
    ),
    ("programme_id", "year"),
)

DATASETS: tuple[Dataset, ...] = (
    PROGRAMMES,
    PARTNERS,
    STAGES,
    GATE_OUTCOMES,
    GATE_DECISIONS,
    BODY_DECISIONS,
    BUSINESS_CASE,
)
BY_NAME = {d.name: d for d in DATASETS}
