"""The money tables. Amounts are :class:`workflow.engine.models.Money` (pounds and pence); percentages and driver
values are :class:`Quantity` (exact decimals, six places)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..engine.models import Base, Money, UTCDateTime


class Quantity(TypeDecorator[Decimal]):
    """An exact decimal to six places: NUMERIC(20,6) where the database has it, text on SQLite."""

    impl = Numeric(20, 6)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(Numeric(20, 6, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> Any:
        if value is None:
            return None
        value = Decimal(value).quantize(Decimal("0.000001"))
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).normalize()


def _programme() -> Mapped[int]:
    return mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)


class MoneyCase(Base):
    """Per programme: the appraisal period (when fixed) and the delivery-confidence scale it reports on."""

    __tablename__ = "money_cases"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    first_year: Mapped[int | None] = mapped_column(Integer)
    years: Mapped[int | None] = mapped_column(Integer)
    confidence_scale: Mapped[str] = mapped_column(String(10), default="gateway")


class MoneyInvestment(Base):
    __tablename__ = "money_investments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(Money())
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class MoneySaving(Base):
    __tablename__ = "money_savings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    year: Mapped[int] = mapped_column(Integer)
    service: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money())


class MoneyBaseline(Base):
    __tablename__ = "money_baselines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    service: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money())


class MoneyBasis(Base):
    """How costs (``service`` empty: the whole programme) or one service's savings are shared."""

    __tablename__ = "money_bases"
    __table_args__ = (UniqueConstraint("programme_id", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    service: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20))
    driver: Mapped[str] = mapped_column(String(100), default="")
    retrue_threshold: Mapped[Decimal] = mapped_column(Quantity())
    split_fixed_on: Mapped[date | None] = mapped_column(Date)


class MoneyBasisValue(Base):
    """A partner's agreed percentage or driver value, and the weight the split in force was fixed on."""

    __tablename__ = "money_basis_values"

    basis_id: Mapped[int] = mapped_column(ForeignKey("money_bases.id", ondelete="CASCADE"), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    value: Mapped[Decimal | None] = mapped_column(Quantity())
    weight_in_force: Mapped[Decimal | None] = mapped_column(Quantity())


class MoneyAgreement(Base):
    __tablename__ = "money_agreements"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    notice_months: Mapped[int | None] = mapped_column(Integer)
    minimum_term_months: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    recompute: Mapped[str] = mapped_column(String(10), default="basis")


class MoneyWithdrawalTerm(Base):
    __tablename__ = "money_withdrawal_terms"
    __table_args__ = (UniqueConstraint("programme_id", "from_stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    from_stage: Mapped[str] = mapped_column(String(60))
    fixed_sum: Mapped[Decimal] = mapped_column(Money())
    share_of_costs: Mapped[bool] = mapped_column(Boolean, default=False)
    exit_costs: Mapped[list[str]] = mapped_column(JSON, default=list)


class MoneyExitCost(Base):
    __tablename__ = "money_exit_costs"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    name: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money())


class MoneyCostIncurred(Base):
    """Money actually spent on the programme, on a day: what 'costs incurred to date' adds up."""

    __tablename__ = "money_costs_incurred"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    incurred_on: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str] = mapped_column(Text, default="")


class MoneyActualSaving(Base):
    __tablename__ = "money_actual_savings"
    __table_args__ = (UniqueConstraint("programme_id", "year", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    year: Mapped[int] = mapped_column(Integer)
    service: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money())


class MoneyMeasure(Base):
    """A service measure (e.g. days to process a benefit claim) planned and achieved in a year."""

    __tablename__ = "money_measures"
    __table_args__ = (UniqueConstraint("programme_id", "year", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(40), default="")
    planned: Mapped[Decimal] = mapped_column(Quantity())
    actual: Mapped[Decimal | None] = mapped_column(Quantity())


class MoneyConfidence(Base):
    """Delivery confidence for a reporting period, with commentary."""

    __tablename__ = "money_confidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = _programme()
    period: Mapped[str] = mapped_column(String(40))
    scale: Mapped[str] = mapped_column(String(10))
    rating: Mapped[str] = mapped_column(String(20))
    commentary: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
