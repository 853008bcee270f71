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

from ..engine.errors import N_, BannsError, InvalidError
from .said import Said

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

    def describe(self) -> Said:
        """The basis in words (msgid and values): "population ratio", "driver: posts"."""
        if self.kind is BasisKind.DRIVER:
            if self.driver:
                return Said(N_("driver: {driver}"), driver=self.driver)
            return Said(N_("driver: values per partner"))
        return Said(BASIS_WORDS[self.kind])


#: Each basis but a driver, in words.
BASIS_WORDS = {
    BasisKind.EQUAL: N_("equal shares"),
    BasisKind.POPULATION: N_("population ratio"),
    BasisKind.NET_BUDGET: N_("net budget ratio"),
    BasisKind.FIXED: N_("fixed percentages"),
}


def weights(basis: Basis, partners: Sequence[PartnerFacts]) -> Weights:
    """The weight of each partner under ``basis`` (not normalised), in the partners' order.

    Raises:
        InvalidError: a value is missing or negative, or every weight is zero.
    """
    if not partners:
        raise InvalidError(N_("there are no partners to share between"), field="partners")
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
                raise _missing(basis, p.name)
            value = basis.values[p.name]
        if value < 0:
            raise InvalidError(
                N_("{partner}'s {basis} value is negative"), field="values", partner=p.name, basis=basis.describe()
            )
        result[p.name] = Fraction(value)
    if sum(result.values()) == 0:
        raise InvalidError(
            N_("every partner's weight under {basis} is zero; nothing to share by"),
            field="values",
            basis=basis.describe(),
        )
    return result


def _missing(basis: Basis, partner: str) -> InvalidError:
    """The error for a partner with no value in a fixed or driver basis."""
    if basis.kind is BasisKind.FIXED:
        message = N_("{partner} has no percentage in the {basis} basis")
    elif basis.driver:
        message = N_("{partner} has no {driver} value in the {basis} basis")
    else:
        message = N_("{partner} has no driver value in the {basis} basis")
    return InvalidError(message, field="values", partner=partner, driver=basis.driver, basis=basis.describe())


def basis_problems(basis: Basis, partners: Sequence[PartnerFacts]) -> list[BannsError]:
    """What stops ``basis`` being a complete agreement between exactly these partners (empty: nothing), each
    a msgid and its values."""
    try:
        weights(basis, partners)
    except InvalidError as exc:
        return [exc]
    problems: list[BannsError] = []
    names = {p.name for p in partners}
    extra = sorted(set(basis.values) - names) if basis.kind in (BasisKind.FIXED, BasisKind.DRIVER) else []
    if extra:
        problems.append(Said(N_("values given for bodies that are not partners: {bodies}"), bodies=tuple(extra)))
    if basis.kind is BasisKind.FIXED:
        total = sum((basis.values[n] for n in names), Decimal(0))
        if total != HUNDRED:
            problems.append(Said(N_("fixed percentages add up to {total}%, not 100%"), total=total))
    return problems


def divide(units: int, weights: Mapping[str, Fraction]) -> dict[str, int]:
    """Divide a whole number of units (pence) in proportion to ``weights``, exactly (largest remainder).

    Raises:
        InvalidError: the weights are all zero.
    """
    total_weight = sum(weights.values(), Fraction(0))
    if total_weight <= 0:
        raise InvalidError(N_("cannot divide by weights that are all zero"))
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
        raise InvalidError(N_("£{amount} is not a whole number of pence"), field="amount", amount=amount)
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
    reason: Said


def retrue(in_force: Mapping[str, Decimal], fresh: Mapping[str, Decimal], threshold: Decimal) -> Retrue:
    """Keep the split in force unless a partner's share would move by more than ``threshold`` points (or the
    partners themselves changed, when the fresh split always applies)."""
    if set(in_force) != set(fresh):
        return Retrue(True, dict(fresh), HUNDRED, Said(N_("the partners changed")))
    move = max(abs(fresh[k] - in_force[k]) for k in fresh)
    if move > threshold:
        said = Said(N_("a share moved by {move} points, more than {threshold}"), move=move, threshold=threshold)
        return Retrue(True, dict(fresh), move, said)
    return Retrue(
        False, dict(in_force), move, Said(N_("no share moved by more than {threshold} points"), threshold=threshold)
    )
