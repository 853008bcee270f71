"""The pamphlet's figures (shared/DOMAIN.md), reproduced from business cases entered as a finance officer
would enter them."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

from workflow.money import years as fy
from workflow.money.case import Baseline, BusinessCase, Investment, Saving
from workflow.money.results import compute, constant
from workflow.money.sharing import Basis, BasisKind, PartnerFacts, allocate, shares, weights

M = D(1_000_000)

# Herefordshire Council, NHS Herefordshire and Wye Valley NHS Trust: a joint venture live 1 April 2011,
# £8.4m invested beforehand (2010-11), net annual savings of £1m in the first year rising to £4.3m, about £33m
# over ten years. The ramp between the first year and £4.3m is our own illustration.
HEREFORDSHIRE_RAMP = ["1.0", "1.8", "2.5", "3.0", "3.5", "4.3", "4.3", "4.3", "4.3", "4.3"]
HEREFORDSHIRE = BusinessCase(
    investments=(
        Investment(2010, "set_up", D("3.0") * M),
        Investment(2010, "it", D("3.4") * M),
        Investment(2010, "redundancy", D("1.2") * M),
        Investment(2010, "programme_team", D("0.8") * M),
    ),
    savings=tuple(Saving(2011 + i, "joint services", D(x) * M) for i, x in enumerate(HEREFORDSHIRE_RAMP)),
)
HEREFORDSHIRE_PARTNERS = ("Herefordshire Council", "NHS Herefordshire", "Wye Valley NHS Trust")

# Worcestershire Regulatory Services: seven councils, live 1 June 2010, £1.2m invested in 2009-10, £1.26m a
# year (17.5% of direct spend), so ten months' savings in 2010-11.
WORCESTERSHIRE = (
    "Bromsgrove",
    "Malvern Hills",
    "Redditch",
    "Worcester City",
    "Wychavon",
    "Wyre Forest",
    "Worcestershire County Council",
)
WRS = BusinessCase(
    investments=(Investment(2009, "set_up", D("1200000.00")),),
    savings=(
        Saving(2010, "regulatory services", D("1050000.00")),  # 10/12 of £1.26m
        *(Saving(y, "regulatory services", D("1260000.00")) for y in range(2011, 2015)),
    ),
    # What the councils spent on the services before (direct spend), illustratively split equally: £7.2m.
    baselines=tuple(
        Baseline(name, "regulatory services", amount)
        for name, amount in allocate(
            D("7200000.00"), weights(Basis(BasisKind.EQUAL), [PartnerFacts(n) for n in WORCESTERSHIRE])
        ).items()
    ),
)


def test_herefordshire_investment_savings_and_payback() -> None:
    equal = weights(Basis(BasisKind.EQUAL), [PartnerFacts(n) for n in HEREFORDSHIRE_PARTNERS])
    r = compute(HEREFORDSHIRE, constant(equal))
    assert r.total_investment == D("8400000.00")
    savings = [y.savings for y in r.years if y.savings]
    assert savings[0] == D("1000000.00")  # £1m in the first year
    assert max(savings) == D("4300000.00") and savings == sorted(savings)  # rising to £4.3m
    assert len(savings) == 10 and round(r.total_savings / M) == 33  # about £33m over ten years
    assert r.total_net == D("24900000.00")
    # cumulative: -8.4, -7.4, -5.6, -3.1, -0.1, +3.4: paid back in 2015-16, the sixth year counting 2010-11
    assert fy.label(r.payback_year) == "2015-16" and r.payback_years == 6


def test_herefordshire_is_sensitive_to_late_savings() -> None:
    r = compute(HEREFORDSHIRE, constant({"all": Fraction(1)}))
    lower, late = r.sensitivity
    assert lower.total_savings == D("29970000.00") and lower.payback_year == 2015
    assert late.total_savings == D("29000000.00")  # the tenth year's £4.3m falls outside the period
    assert late.payback_year == 2016
    assert late.npv < lower.npv < r.npv


def test_worcestershire_pays_back_within_three_years() -> None:
    partners = [PartnerFacts(n) for n in WORCESTERSHIRE]
    r = compute(WRS, constant(weights(Basis(BasisKind.EQUAL), partners)))
    assert r.total_investment == D("1200000.00")
    assert r.years[2].savings == D("1260000.00")
    assert r.payback_years == 3 and fy.label(r.payback_year) == "2011-12"
    assert (D("1260000.00") / WRS.total_baseline() * 100).quantize(D("0.1")) == D("17.5")
    costs = [row.costs for row in r.partners if row.year == 2009]
    assert len(costs) == 7 and sum(costs) == D("1200000.00")
    assert sorted(set(costs)) == [D("171428.57"), D("171428.58")]  # the odd penny goes to one council


def test_east_lindsey_and_south_holland_share_by_population() -> None:
    # Approximate populations: East Lindsey ~140,000, South Holland ~95,000 (2011 census: 136,401 and 88,270).
    partners = [PartnerFacts("East Lindsey", population=140_000), PartnerFacts("South Holland", population=95_000)]
    w = weights(Basis(BasisKind.POPULATION), partners)
    assert shares(w) == {"East Lindsey": D("59.5745"), "South Holland": D("40.4255")}
    assert allocate(D("2000000.00"), w) == {"East Lindsey": D("1191489.36"), "South Holland": D("808510.64")}


def test_breckland_and_south_holland_share_fifty_fifty() -> None:
    basis = Basis(BasisKind.FIXED, {"Breckland": D(50), "South Holland": D(50)})
    w = weights(basis, [PartnerFacts("Breckland"), PartnerFacts("South Holland")])
    assert shares(w) == {"Breckland": D("50.0000"), "South Holland": D("50.0000")}
    assert allocate(D("1000000.00"), w) == {"Breckland": D("500000.00"), "South Holland": D("500000.00")}
    assert allocate(D("1000000.01"), w) == {"Breckland": D("500000.01"), "South Holland": D("500000.00")}
