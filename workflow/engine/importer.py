"""A programme described in YAML (``banns programme import FILE``): partners, people, roles, planned dates.

The format is documented in ``definitions/README.md`` with an example in ``examples/``. As with
definitions, a wrong file is refused whole with every problem's file, line and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .errors import N_, BannsError
from .kinds import PARTNER_KINDS
from .text import Amount, Day, EmailAddress, MultiLine, SingleLine
from .yamlproblems import pydantic_problems
from .yamlsource import Located, SourceError, load_yaml, load_yaml_file

Name = Annotated[SingleLine, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
RoleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
#: More people than any body in the UK serves; a bigger number is a typing mistake.
LARGEST_POPULATION = 100_000_000

Nation = Literal["england", "wales", "scotland", "northern_ireland"]


class ProgrammeFileError(BannsError, SourceError):
    """A programme file is wrong; ``problems`` lists every mistake with file, line and field."""

    __init__ = SourceError.__init__


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartnerSpec(_Spec):
    name: Name
    kind: Literal[PARTNER_KINDS]  # type: ignore[valid-type]
    nation: Nation = "england"
    population: Annotated[int, Field(ge=0, le=LARGEST_POPULATION, strict=True)]
    net_budget: Annotated[Amount, Field(ge=0)]


class RoleSpec(_Spec):
    role: RoleId
    partner: Name | None = None


class PersonSpec(_Spec):
    name: Name
    email: EmailAddress
    roles: list[RoleSpec | RoleId] = Field(default_factory=list)

    def role_specs(self) -> list[RoleSpec]:
        return [r if isinstance(r, RoleSpec) else RoleSpec(role=r) for r in self.roles]


class StageDates(_Spec):
    start: Day | None = None
    end: Day | None = None


class ProgrammeSpec(_Spec):
    name: Name
    definition: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
    description: MultiLine = ""
    start: Day | None = None
    partners: list[PartnerSpec] = Field(min_length=1)
    people: list[PersonSpec] = Field(default_factory=list)
    plan: dict[RoleId, StageDates] = Field(default_factory=dict)


def parse_programme(text: str, file: str) -> tuple[ProgrammeSpec, Located]:
    """Parse a programme file; the :class:`Located` lets later checks (against the definition) name lines.

    Raises:
        ProgrammeFileError: the file is not YAML or does not match the format.
    """
    try:
        located = load_yaml(text, file)
    except SourceError as exc:
        raise ProgrammeFileError(exc.problems) from None
    return _validate(located), located


def load_programme(path: Path) -> tuple[ProgrammeSpec, Located]:
    """Read and parse a programme file; see :func:`parse_programme`."""
    try:
        located = load_yaml_file(path)
    except SourceError as exc:
        raise ProgrammeFileError(exc.problems) from None
    return _validate(located), located


def _validate(located: Located) -> ProgrammeSpec:
    if not isinstance(located.data, dict):
        raise ProgrammeFileError(
            [located.problem((), N_("expected a mapping with name, definition, partners, people"))]
        )
    try:
        return ProgrammeSpec.model_validate(located.data)
    except ValidationError as exc:
        raise ProgrammeFileError(pydantic_problems(located, exc, ProgrammeSpec)) from None
