"""A programme described in YAML (``banns programme import FILE``): partners, people, roles, planned dates.

The format is documented in ``definitions/README.md`` with an example in ``examples/``. As with
definitions, a wrong file is refused whole with every problem's file, line and field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, ValidationError, field_validator

from .errors import BannsError
from .yamlsource import Located, SourceError, load_yaml, load_yaml_file, pydantic_problems

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
RoleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]

PARTNER_KINDS = (
    "district_council",
    "county_council",
    "unitary_council",
    "metropolitan_council",
    "london_borough",
    "welsh_council",
    "scottish_council",
    "northern_ireland_council",
    "nhs_trust",
    "integrated_care_board",
    "fire_authority",
    "police",
    "government_department",
    "company",
    "mutual",
    "other",
)
Nation = Literal["england", "wales", "scotland", "northern_ireland"]


class ProgrammeFileError(BannsError, SourceError):
    """A programme file is wrong; ``problems`` lists every mistake with file, line and field."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartnerSpec(_Spec):
    name: Name
    kind: Literal[PARTNER_KINDS]  # type: ignore[valid-type]
    nation: Nation = "england"
    population: Annotated[int, Field(ge=0, strict=True)]
    net_budget: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class RoleSpec(_Spec):
    role: RoleId
    partner: Name | None = None


class PersonSpec(_Spec):
    name: Name
    email: EmailStr
    roles: list[RoleSpec | RoleId] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    def role_specs(self) -> list[RoleSpec]:
        return [r if isinstance(r, RoleSpec) else RoleSpec(role=r) for r in self.roles]


class StageDates(_Spec):
    start: date | None = None
    end: date | None = None


class ProgrammeSpec(_Spec):
    name: Name
    definition: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
    description: str = ""
    start: date | None = None
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
        raise ProgrammeFileError([located.problem((), "expected a mapping with name, definition, partners, people")])
    try:
        return ProgrammeSpec.model_validate(located.data)
    except ValidationError as exc:
        raise ProgrammeFileError(pydantic_problems(located, exc, ProgrammeSpec)) from None
