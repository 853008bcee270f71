"""Staff transfer under TUPE: for each partner whose staff move, how many and in which roles, the day they
transfer, and the statutory duties that day sets.

The duties (``DOMAIN.md``; the Transfer of Undertakings (Protection of Employment) Regulations 2006):

- **Employee liability information** reaches the new employer at least 28 days before the transfer
  (regulation 11): due on the transfer date less 28 calendar days.
- **Collective consultation** where 20 or more redundancies are proposed begins at least 30 days (20 to 99)
  or 45 days (100 or more) before the first dismissal (TULRCA s188), taken here as the transfer date.
- Staff representatives are informed and consulted "long enough before" the transfer: no fixed day, so banns
  records when consultation began and ended and flags only the two dated duties.

The dates here are the statutory ones, in calendar days. Reminders go on the last working day on or before
them (the reminders package knows the calendars); nothing here needs one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from .errors import N_, InvalidError, Word
from .guards import iso_day, not_ended, partner_of
from .models import StaffTransfer
from .permissions import SYSTEM, Actor
from .text import check_day, single_line
from .unit_of_work import ProgrammeChanges

ELI_DAYS = 28
#: (at least this many redundancies proposed, consultation begins this many days before) — largest first
COLLECTIVE_CONSULTATION = ((100, 45), (20, 30))
MAX_HEADCOUNT = 1_000_000
MAX_ROLES = 200
MAX_ROLE_LENGTH = 200


@dataclass(frozen=True)
class TransferDuty:
    """One statutory duty of a transfer: ``code`` names it (``employee_liability_information``,
    ``collective_consultation``); ``due`` is the statutory last day; ``done_on`` when it was done."""

    code: str
    due: date
    done_on: date | None

    def status(self, today: date) -> str:
        """``done``, ``late`` (done after its day), ``overdue`` (not done, its day passed) or ``due``."""
        if self.done_on is not None:
            return "done" if self.done_on <= self.due else "late"
        return "overdue" if today > self.due else "due"


@dataclass(frozen=True)
class StaffTransferSpec:
    """What a programme office records about one partner's transferring staff."""

    partner_id: int
    headcount: int
    transfer_date: date
    roles: tuple[str, ...] = ()
    redundancies: int = 0
    eli_given_on: date | None = None
    consultation_began_on: date | None = None
    consultation_ended_on: date | None = None


@dataclass(frozen=True)
class StaffTransferView:
    partner_id: int
    partner: str
    headcount: int
    roles: tuple[str, ...]
    transfer_date: date
    redundancies: int
    eli_given_on: date | None
    consultation_began_on: date | None
    consultation_ended_on: date | None
    duties: tuple[TransferDuty, ...]


def duties(
    transfer_date: date, redundancies: int, eli_given_on: date | None, consultation_began_on: date | None
) -> tuple[TransferDuty, ...]:
    """The dated statutory duties of one transfer."""
    found = [TransferDuty("employee_liability_information", transfer_date - timedelta(days=ELI_DAYS), eli_given_on)]
    for at_least, days in COLLECTIVE_CONSULTATION:
        if redundancies >= at_least:
            due = transfer_date - timedelta(days=days)
            found.append(TransferDuty("collective_consultation", due, consultation_began_on))
            break
    return tuple(found)


def check_spec(spec: StaffTransferSpec) -> StaffTransferSpec:
    """The spec with its roles trimmed, if every field holds.

    Raises:
        InvalidError: naming the field: a headcount or redundancy count out of range, a role on more than one
            line or too long, a date before 2000 or after 2100, consultation ending before it began.
    """
    if not 1 <= spec.headcount <= MAX_HEADCOUNT:
        raise InvalidError(
            N_("the headcount must be a whole number from 1 to {most}"), field="headcount", most=f"{MAX_HEADCOUNT:,}"
        )
    if not 0 <= spec.redundancies <= spec.headcount:
        raise InvalidError(
            N_("redundancies proposed must be from 0 to the headcount ({headcount})"),
            field="redundancies",
            headcount=f"{spec.headcount:,}",
        )
    roles = tuple(r.strip() for r in spec.roles if r.strip())
    if len(roles) > MAX_ROLES:
        raise InvalidError(N_("list at most {most} roles"), field="roles", most=MAX_ROLES)
    for role in roles:
        single_line(role, "roles", Word(N_("A role")))
        if len(role) > MAX_ROLE_LENGTH:
            raise InvalidError(
                N_("a role is at most {most} characters: '{role}...'"),
                field="roles",
                most=MAX_ROLE_LENGTH,
                role=role[:40],
            )
    days = {
        "transfer_date": spec.transfer_date,
        "eli_given_on": spec.eli_given_on,
        "consultation_began_on": spec.consultation_began_on,
        "consultation_ended_on": spec.consultation_ended_on,
    }
    for name, day in days.items():
        if day is not None:
            check_day(day, name)
    began, ended = spec.consultation_began_on, spec.consultation_ended_on
    if ended is not None and (began is None or ended < began):
        raise InvalidError(N_("consultation cannot end before it began"), field="consultation_ended_on")
    return StaffTransferSpec(**{**spec.__dict__, "roles": roles})


class TransferUseCases(ProgrammeChanges):
    """Recording the staff each partner transfers."""

    def record_staff_transfer(
        self, programme_id: int, spec: StaffTransferSpec, actor: Actor = SYSTEM, *, expected_version: int | None = None
    ) -> StaffTransferView:
        """Record (or correct) one partner's transferring staff; the log says what changed.

        Raises:
            NotFoundError, NotAllowedError, ConflictError, InvalidError (see :func:`check_spec`), and
            MoveRefusedError once the programme has ended or when the partner has withdrawn.
        """
        spec = check_spec(spec)
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, "record_transfer", expected_version)
            not_ended(programme, definition, "record_transfer")
            partner = partner_of(programme, spec.partner_id)
            if not partner.is_current:
                raise InvalidError(
                    N_("{partner} has withdrawn from the programme"), field="partner", partner=partner.name
                )
            row = session.scalar(
                select(StaffTransfer).where(
                    StaffTransfer.programme_id == programme_id, StaffTransfer.partner_id == partner.id
                )
            )
            before = _values(row) if row else {}
            if row is None:
                row = StaffTransfer(programme_id=programme_id, partner_id=partner.id)
                session.add(row)
            for name, value in spec.__dict__.items():
                if name != "partner_id":
                    setattr(row, name, list(value) if name == "roles" else value)
            row.recorded_at = self.clock()
            after = _values(row)
            changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
            session.flush()
            self._log(
                session,
                programme,
                actor,
                "staff_transfer_recorded",
                None,
                None,
                "",
                partner_id=partner.id,
                partner=partner.name,
                changes=changes,
            )
            return _view(row, partner.name)

    def staff_transfers(self, programme_id: int, actor: Actor = SYSTEM) -> list[StaffTransferView]:
        """Every current partner's recorded transfer, by transfer date then partner name.

        Raises:
            NotFoundError, NotAllowedError
        """
        with self.db.read() as session:
            programme, _ = self._load(session, programme_id, lock=False)
            self._authorise(programme, actor, "view")
            names = {p.id: p.name for p in programme.partners if p.is_current}
            rows = session.scalars(select(StaffTransfer).where(StaffTransfer.programme_id == programme_id))
            found = [_view(r, names[r.partner_id]) for r in rows if r.partner_id in names]
            return sorted(found, key=lambda v: (v.transfer_date, v.partner))


def _values(row: StaffTransfer) -> dict[str, Any]:
    return {
        "headcount": row.headcount,
        "roles": list(row.roles),
        "transfer_date": iso_day(row.transfer_date),
        "redundancies": row.redundancies,
        "eli_given_on": iso_day(row.eli_given_on),
        "consultation_began_on": iso_day(row.consultation_began_on),
        "consultation_ended_on": iso_day(row.consultation_ended_on),
    }


def _view(row: StaffTransfer, partner: str) -> StaffTransferView:
    return StaffTransferView(
        partner_id=row.partner_id,
        partner=partner,
        headcount=row.headcount,
        roles=tuple(row.roles),
        transfer_date=row.transfer_date,
        redundancies=row.redundancies,
        eli_given_on=row.eli_given_on,
        consultation_began_on=row.consultation_began_on,
        consultation_ended_on=row.consultation_ended_on,
        duties=duties(row.transfer_date, row.redundancies, row.eli_given_on, row.consultation_began_on),
    )
