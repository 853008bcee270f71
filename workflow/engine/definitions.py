"""Lifecycle definitions: YAML files under ``definitions/`` read into typed, validated objects.

A definition is the *spec* of a partnership programme: its stages in order, the gate at each stage's exit
(criteria and sign-off rules), the terminal outcomes, and the reminder rules. Running programmes are kept
apart from it (see :mod:`workflow.engine.models`); each is pinned to the exact content it started with.

A wrong definition is refused whole: :func:`parse_definition` collects every problem it can find, each
naming file, line and field, and raises :class:`DefinitionError` with all of them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .bilingual import DescriptionText, Text, TitleText
from .errors import N_, BannsError
from .kinds import expand
from .yamlproblems import pydantic_problems
from .yamlsource import SourceError, WrongValueError, load_yaml, read_source

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
DefinitionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
PositiveInt = Annotated[int, Field(gt=0, strict=True)]
#: Titles and descriptions: English text, or ``{en: ..., cy: ...}`` (see :mod:`workflow.engine.bilingual`).
Title = TitleText
Description = DescriptionText

#: Roles every programme has, whatever its definition. ``partner`` roles are held for one partner.
BUILT_IN_ROLES: dict[str, Literal["partner", "programme"]] = {
    "programme_manager": "programme",
    "steering_member": "partner",
    "signatory": "partner",
    "chair": "programme",
    "observer": "programme",
}

#: The built-in roles' titles, in English and Welsh (a lifecycle's own roles have the titles its file gives).
BUILT_IN_TITLES: dict[str, Text] = {
    "programme_manager": Text("programme manager", "rheolwr rhaglen"),
    "steering_member": Text("steering member", "aelod o'r grŵp llywio"),
    "signatory": Text("signatory", "llofnodwr"),
    "chair": Text("chair", "cadeirydd"),
    "observer": Text("observer", "sylwedydd"),
}
assert BUILT_IN_TITLES.keys() == BUILT_IN_ROLES.keys()

#: Verbs the engine owns; an outcome's ``move`` may not take one of them.
ENGINE_MOVES = frozenset({"advance", "return_to", "waive", "withdraw", "add_partner"})


class DefinitionError(BannsError, SourceError):
    """A definition file is wrong; ``problems`` lists every mistake with file, line and field."""

    __init__ = SourceError.__init__


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Role(_Spec):
    id: Id
    title: Title
    scope: Literal["partner", "programme"] = "partner"
    #: The partner kinds (or families: council, nhs, fire, police, company, government, other) the role applies
    #: to; none given: every partner. See :mod:`workflow.engine.kinds`.
    kinds: list[Id] | None = None


class PartnerRules(_Spec):
    minimum: PositiveInt = 2
    join_until: Id | None = None
    when_too_few: Id = "abandoned"


class Stage(_Spec):
    id: Id
    title: Title
    description: Description | None = None
    planned_days: PositiveInt | None = None
    optional: bool = False
    next: Id | None = None
    returns_to: list[Id] | None = None


class Outcome(_Spec):
    id: Id
    title: Title
    description: Description | None = None
    move: Id | None = None
    from_: list[Id] | Literal["all"] = Field(default_factory=list, alias="from")


class Criterion(_Spec):
    """A checklist item of a gate: met by recorded evidence, or by the programme's own figures when
    ``figures`` names a figure check (see :mod:`workflow.engine.figures`)."""

    id: Id
    title: Title
    required: bool = True
    figures: Id | None = None
    #: The limit a figure check takes, where it takes one (``payback_within``, ``each_partner_saves_by``).
    years: PositiveInt | None = None

    @property
    def figure_params(self) -> dict[str, int]:
        """What the figure check is called with besides the programme."""
        return {"years": self.years} if self.years is not None else {}


class Quorum(_Spec):
    """How many of the current steering group must approve; exactly one measure, counted over the members of
    the current partners when the gate is judged (so it adapts when a partner withdraws or joins):

    - ``share: majority``: more than half (8 of 14, 7 of 13); ``two_thirds``: at least two thirds (10 of 14);
      ``all``: every member;
    - ``count: N``: at least N approvals;
    - ``fraction: F``: at least that share, rounded up: ``0.5`` of 14 is 7, which is half, not a majority.

    ``each_partner_present``: also, a steering member of every partner has taken part."""

    share: Literal["majority", "two_thirds", "all"] | None = None
    count: PositiveInt | None = None
    fraction: Annotated[Decimal, Field(gt=0, le=1)] | None = None
    each_partner_present: bool = False

    @model_validator(mode="after")
    def _one_measure(self) -> Quorum:
        if sum(m is not None for m in (self.share, self.count, self.fraction)) != 1:
            raise WrongValueError(
                N_("give exactly one of 'share' (majority, two_thirds or all), 'count' or 'fraction'")
            )
        return self

    def needed(self, members: int) -> int:
        """Approvals needed from a steering group of ``members`` (at least one)."""
        if self.count is not None:
            return self.count
        if self.share == "majority":
            return members // 2 + 1
        if self.share == "two_thirds":
            return max(1, -(-2 * members // 3))
        if self.share == "all":
            return max(1, members)
        return max(1, math.ceil((self.fraction or 0) * members))

    @property
    def measure(self) -> str:
        """What the rule asks, as data: ``majority``, ``two_thirds``, ``all``, ``count`` or ``fraction``."""
        return self.share or ("count" if self.count is not None else "fraction")


class SignOffRules(_Spec):
    """Rules that combine: every rule given must hold."""

    each_partner: bool = False
    quorum: Quorum | None = None
    roles: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _at_least_one(self) -> SignOffRules:
        if not (self.each_partner or self.quorum or self.roles):
            raise WrongValueError(N_("give at least one rule: each_partner, quorum or roles"))
        return self


class DecisionRule(_Spec):
    """A gate asks each partner (or those of ``kinds``) for a decision of its ``body``: the partner's approval
    counts only once that decision is recorded and its call-in period has passed without a call-in."""

    body: Literal["cabinet", "full_council", "executive", "trust_board", "joint_committee", "board"]
    #: partner kinds or families the rule applies to; none given: every partner
    kinds: list[Id] | None = None
    #: a key decision: on the forward plan at least 28 clear days before the meeting
    key_decision: bool = False
    #: working days after the meeting in which the decision may be called in (the partner's nation's calendar)
    call_in_days: Annotated[int, Field(ge=0, le=60, strict=True)] = 5

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in expand(self.kinds)


class Gate(_Spec):
    title: Title
    criteria: list[Criterion] = Field(min_length=1)
    sign_off: SignOffRules
    waiver: SignOffRules | None = None
    #: each partner's democratic decision the gate needs before that partner's approval counts
    decisions: list[DecisionRule] = Field(default_factory=list)


class _Reminder(_Spec):
    id: Id
    stages: list[Id] | None = None
    working_days: bool = False


class SignOffPending(_Reminder):
    kind: Literal["sign_off_pending"]
    every_days: PositiveInt
    escalate_after_days: PositiveInt | None = None


class StageEndApproaching(_Reminder):
    kind: Literal["stage_end_approaching"]
    days_before: PositiveInt


class ReviewDue(_Reminder):
    kind: Literal["review_due"]
    months_after_go_live: list[PositiveInt] = Field(min_length=1)
    then_every_months: PositiveInt | None = None


class TransferClock(_Reminder):
    kind: Literal["transfer_clock"]
    clock: Literal["employee_liability_information", "consultation_end"]
    days_before_transfer: PositiveInt


class ForwardPlanDue(_Reminder):
    """A key decision's forward-plan publication (28 clear days before its meeting) not yet recorded."""

    kind: Literal["forward_plan_due"]
    days_before: PositiveInt


class CallInExpiring(_Reminder):
    """A partner's decision whose call-in period ends soon (``days_before`` its last day; 0: on the day)."""

    kind: Literal["call_in_expiring"]
    days_before: Annotated[int, Field(ge=0, strict=True)] = 0


class PapersDue(_Reminder):
    """A decision meeting approaching with its papers (the minute reference or link) not recorded."""

    kind: Literal["papers_due"]
    days_before: PositiveInt


Reminder = Annotated[
    SignOffPending | StageEndApproaching | ReviewDue | TransferClock | ForwardPlanDue | CallInExpiring | PapersDue,
    Field(discriminator="kind"),
]


class Definition(_Spec):
    """A validated lifecycle. Build one with :func:`parse_definition`, not directly."""

    id: DefinitionId
    version: PositiveInt
    title: Title
    description: Description | None = None
    roles: list[Role] = Field(default_factory=list)
    partners: PartnerRules = PartnerRules()
    stages: list[Stage] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)
    gates: dict[Id, Gate]
    reminders: list[Reminder] = Field(default_factory=list)
    source_hash: str = ""
    source_text: str = ""
    source_file: str = ""

    # Derived lookups; the model is frozen, so computing them once is safe.
    @cached_property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    @cached_property
    def stage_by_id(self) -> dict[str, Stage]:
        return {s.id: s for s in self.stages}

    @cached_property
    def outcome_by_id(self) -> dict[str, Outcome]:
        return {o.id: o for o in self.outcomes}

    @cached_property
    def role_scope(self) -> dict[str, str]:
        return {**BUILT_IN_ROLES, **{r.id: r.scope for r in self.roles}}

    @cached_property
    def role_title(self) -> dict[str, str]:
        """Each role's title (each a :class:`~workflow.engine.bilingual.Text`, in English and, where given, Welsh)."""
        return {**BUILT_IN_TITLES, **{r.id: r.title for r in self.roles}}

    @cached_property
    def role_kinds(self) -> dict[str, frozenset[str]]:
        """The partner kinds each limited role applies to (roles for every partner are absent)."""
        return {r.id: expand(r.kinds) for r in self.roles if r.kinds is not None}

    @property
    def first_stage(self) -> str:
        return self.stages[0].id

    def next_of(self, stage_id: str) -> str:
        """Where ``advance`` from ``stage_id`` leads: its ``next``, or the stage after it."""
        stage = self.stage_by_id[stage_id]
        if stage.next:
            return stage.next
        index = self.stage_ids.index(stage_id)
        return self.stage_ids[index + 1]

    def return_targets(self, stage_id: str) -> list[str]:
        """Earlier stages that ``return_to`` may lead back to from ``stage_id``."""
        stage = self.stage_by_id[stage_id]
        if stage.returns_to is not None:
            return list(stage.returns_to)
        return self.stage_ids[: self.stage_ids.index(stage_id)]

    def outcome_moves(self) -> Iterator[tuple[str, str, list[str]]]:
        """Each outcome reached by a named move: (move, outcome id, source stages)."""
        for outcome in self.outcomes:
            if outcome.move:
                sources = self.stage_ids if outcome.from_ == "all" else list(outcome.from_)
                yield outcome.move, outcome.id, sources

    def is_terminal(self, state: str) -> bool:
        return state in self.outcome_by_id

    def state_title(self, state: str) -> str:
        if state in self.stage_by_id:
            return self.stage_by_id[state].title
        return self.outcome_by_id[state].title

    def reminders_for(self, stage_id: str) -> list[Reminder]:
        return [r for r in self.reminders if r.stages is None or stage_id in r.stages]


def parse_definition(text: str, file: str) -> Definition:
    """Parse and validate one definition.

    Raises:
        DefinitionError: with every problem found (file, line, field, what was expected).
    """
    try:
        located = load_yaml(text, file)
    except SourceError as exc:
        raise DefinitionError(exc.problems) from None
    if not isinstance(located.data, dict):
        raise DefinitionError([located.problem((), N_("expected a mapping of id, version, title, stages, ..."))])
    try:
        definition = Definition.model_validate(
            {**located.data, "source_hash": _hash(text), "source_text": text, "source_file": file}
        )
    except ValidationError as exc:
        raise DefinitionError(pydantic_problems(located, exc, Definition, hidden=_SOURCE_FIELDS)) from None
    problems = [located.problem(path, message, **values) for path, message, values in semantic_problems(definition)]
    if problems:
        raise DefinitionError(problems)
    return definition


def load_definition(path: Path) -> Definition:
    """Read and validate the definition in ``path``.

    Raises:
        DefinitionError: the file cannot be read or is wrong.
    """
    try:
        text = read_source(path)
    except SourceError as exc:
        raise DefinitionError(exc.problems) from None
    return parse_definition(text, str(path))


def definition_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the ``*.yaml``/``*.yml`` files in them, sorted; keep files as given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


_SOURCE_FIELDS = frozenset({"source_hash", "source_text", "source_file"})


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


from .definition_rules import semantic_problems  # noqa: E402  (the rules need the classes above)
