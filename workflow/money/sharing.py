"""Who pays what: cost-sharing bases and exact division of money by largest-remainder rounding.

A basis turns facts about partners (population, net budget, an agreed percentage, a driver such as posts or
cases) into weights. Weights divide an amount to the penny: every partner gets the whole pence below its exact
share, and the pence left over go to the largest remainders (ties to the partner listed first), so the parts
always add up to the amount exactly. Percentages are divided the same way, to 0.0001%.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from ..engine.errors import InvalidError

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)
#: Shares are shown to four decimal places of a per cent.
SHARE_PLACES = 4
Weights = dict[str, Fraction]


class BasisKind(StrEnum):
    EQUAL = "equal"
    POPULATION = "population"
    NET_BUDGET = "net_budget"
    FIXED = "fixed"
    DRIVER = "driver"


@dataclass(frozen=True)
class PartnerFacts:
    """What a basis may need to know about one partner."""

    name: str
    population: int = 0
    net_budget: Decimal = Decimal(0)


@dataclass(frozen=True)
class Basis:
    """How an amount is shared. ``values`` holds per-partner percentages (``fixed``) or driver values
    (``driver``: posts, properties, cases; ``driver`` names it). ``retrue_threshold`` is in percentage points:
    a re-true changes the split only if some partner's share moves by more than this."""

    kind: BasisKind
    values: Mapping[str, Decimal] = field(default_factory=dict)
    driver: str = ""
    retrue_threshold: Decimal = Decimal(0)

    def describe(self) -> str:
        return {
            BasisKind.EQUAL: "equal shares",
            BasisKind.POPULATION: "population ratio",
            BasisKind.NET_BUDGET: "net budget ratio",
            BasisKind.FIXED: "fixed percentages",
            BasisKind.DRIVER: f"driver: {self.driver or 'values per partner'}",
        }[self.kind]


def weights(basis: Basis, partners: Sequence[PartnerFacts]) -> Weights:
    """The weight of each partner under ``basis`` (not normalised), in the partners' order.

    Raises:
        InvalidError: a value is missing or negative, or every weight is zero.
    """
    if not partners:
        raise InvalidError("there are no partners to share between", field="partners")
    result: Weights = {}
    for p in partners:
        if basis.kind is BasisKind.EQUAL:
            value = Decimal(1)
        elif basis.kind is BasisKind.POPULATION:
            value = Decimal(p.population)
        elif basis.kind is BasisKind.NET_BUDGET:
            value = p.net_budget
        else:
            if p.name not in basis.values:
                what = "a percentage" if basis.kind is BasisKind.FIXED else f"a {basis.driver or 'driver'} value"
                raise InvalidError(f"{p.name} has no {what} in the {basis.describe()} basis", field="values")
            value = basis.values[p.name]
        if value < 0:
            raise InvalidError(f"{p.name}'s {basis.describe()} value is negative", field="values")
        result[p.name] = Fraction(value)
    if sum(result.values()) == 0:
        raise InvalidError(
            f"every partner's weight under {basis.describe()} is zero; nothing to share by", field="values"
        )
    return result


def basis_problems(basis: Basis, partners: Sequence[PartnerFacts]) -> list[str]:
    """What stops ``basis`` being a complete agreement between exactly these partners (empty: nothing)."""
    try:
        weights(basis, partners)
    except InvalidError as exc:
        return [str(exc)]
    problems = []
    names = {p.name for p in partners}
    extra = sorted(set(basis.values) - names) if basis.kind in (BasisKind.FIXED, BasisKind.DRIVER) else []
    if extra:
        problems.append(f"values given for bodies that are not partners: {', '.join(extra)}")
    if basis.kind is BasisKind.FIXED:
        total = sum((basis.values[n] for n in names), Decimal(0))
        if total != HUNDRED:
            problems.append(f"fixed percentages add up to {total}%, not 100%")
    return problems


def divide(units: int, weights: Mapping[str, Fraction]) -> dict[str, int]:
    """Divide a whole number of units (pence) in proportion to ``weights``, exactly (largest remainder).

    Raises:
        InvalidError: the weights are all zero.
    """
    total_weight = sum(weights.values(), Fraction(0))
    if total_weight <= 0:
        raise InvalidError("cannot divide by weights that are all zero")
    sign, units = (-1, -units) if units < 0 else (1, units)
    keys = list(weights)
    exact = [units * weights[k] / total_weight for k in keys]
    floors = [e.numerator // e.denominator for e in exact]
    left = units - sum(floors)
    for i in sorted(range(len(keys)), key=lambda i: (floors[i] - exact[i], i))[:left]:
        floors[i] += 1
    result = dict(zip(keys, floors, strict=True))
    return {k: sign * v for k, v in result.items()}


def allocate(amount: Decimal, weights: Mapping[str, Fraction]) -> dict[str, Decimal]:
    """Share ``amount`` (pounds) to the penny; the parts add up to ``amount`` exactly.

    Raises:
        InvalidError: ``amount`` has fractions of a penny, or the weights are all zero.
    """
    if amount != amount.quantize(PENNY):
        raise InvalidError(f"£{amount} is not a whole number of pence", field="amount")
    pence = divide(int(amount * 100), weights)
    return {k: Decimal(v) / 100 for k, v in pence.items()}


def shares(weights: Mapping[str, Fraction]) -> dict[str, Decimal]:
    """Each partner's share in per cent to 0.0001%, adding up to exactly 100."""
    scale = 10**SHARE_PLACES
    units = divide(100 * scale, weights)
    return {k: (Decimal(v) / scale).quantize(Decimal(1).scaleb(-SHARE_PLACES)) for k, v in units.items()}


@dataclass(frozen=True)
class Retrue:
    """The outcome of re-truing a split: the shares now in force and whether they changed."""

    changed: bool
    shares: dict[str, Decimal]
    largest_move: Decimal
    reason: str


def retrue(in_force: Mapping[str, Decimal], fresh: Mapping[str, Decimal], threshold: Decimal) -> Retrue:
    """Keep the split in force unless a partner's share would move by more than ``threshold`` points (or the
    partners themselves changed, when the fresh split always applies)."""
    if set(in_force) != set(fresh):
        return Retrue(True, dict(fresh), HUNDRED, "the partners changed")
    move = max(abs(fresh[k] - in_force[k]) for k in fresh)
    if move > threshold:
        return Retrue(True, dict(fresh), move, f"a share moved by {move} points, more than {threshold}")
    return Retrue(False, dict(in_force), move, f"no share moved by more than {threshold} points")
