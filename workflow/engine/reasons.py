"""Why the engine refuses a move or finds a gate unmet, as data: a code and its values, never a sentence.

A :class:`Reason` names what happened (``code``) and the facts a person needs (``values``: names, ids, dates,
numbers, lifecycle titles as they stand in the file). :mod:`workflow.words` holds the words for every code
and renders them in a person's language; the web, the command line, the API and the emails render through it.

Every code the engine gives is listed here, in :data:`CODES`; a test renders each one in every language.
A value may itself be a :class:`Reason` (a term such as a decision's status, rendered in turn), or a tuple
of names or of reasons (a list, joined by the words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    """One reason: ``code`` (one of :data:`CODES`) and the facts its words are filled with."""

    code: str
    values: Mapping[str, Any] = field(default_factory=lambda: _Values())

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _Values(self.values))

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted((k, repr(v)) for k, v in self.values.items()))))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reason) and (self.code, dict(self.values)) == (other.code, dict(other.values))

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {dict(self.values)!r})"


class _Values(dict[str, Any]):
    """A reason's values: read-only, yet a plain mapping to copy, compare, pickle and serialise (a view's
    ``dataclasses.asdict`` and ``copy.deepcopy`` rebuild it as they would a dict)."""

    def _read_only(self, *_: Any, **__: Any) -> None:
        raise TypeError("a reason's values are read-only")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Values, (dict(self),))

    def __deepcopy__(self, memo: dict[int, Any]) -> _Values:
        return self


def reason(code: str, **values: Any) -> Reason:
    """``reason("round_closed")``, ``reason("partner_withdrew_already", partner="Eastvale")``."""
    return Reason(code, values)


# --- refusals of moves ---------------------------------------------------------------------------------------
#: the definition has no such move (values: move, lifecycle)
NOT_A_MOVE = "not_a_move"
#: the programme has ended (values: state_title)
PROGRAMME_ENDED = "programme_ended"
#: the programme has ended, said by a plug-in that does not know the state's title
ENDED = "ended"
#: the programme has ended, said when a lifecycle move is tried (values: state_title)
ENDED_NO_MOVES = "ended_no_moves"
#: waiving a stage that is not optional, tried on the machine (values: state_title)
NOT_OPTIONAL_STAGE = "not_optional_stage"
#: waiving a stage that is not optional, asked for sign-off (values: state_title)
NOT_OPTIONAL = "not_optional"
#: no earlier stage to return to (values: state_title)
NO_EARLIER_STAGE = "no_earlier_stage"
#: the move is not possible from this state (values: move, state_title, moves: tuple of move names)
NOT_FROM_STATE = "not_from_state"
#: return to a stage that is not an allowed target (values: state, to, targets: tuple of stage ids)
NO_RETURN_ROUTE = "no_return_route"
#: a move the machine refused without another reason (values: move, state)
MOVE_REFUSED = "move_refused"
#: a partner withdrew already (values: partner)
PARTNER_WITHDREW_ALREADY = "partner_withdrew_already"
#: migrating: the programme already runs on the file's content (values: version)
ALREADY_ON_VERSION = "already_on_version"
#: migrating: the file changed but its version did not rise (values: version, current)
VERSION_NOT_RAISED = "version_not_raised"
#: migrating: the new version has no such stage (values: version, state)
VERSION_LACKS_STAGE = "version_lacks_stage"
#: a criterion has no evidence to withdraw (values: criterion, title)
NO_EVIDENCE_TO_WITHDRAW = "no_evidence_to_withdraw"
#: sign-off has not been requested on the current evidence
SIGN_OFF_NOT_REQUESTED = "sign_off_not_requested"
#: the person decided already in this round (values: person, round)
DECIDED_ALREADY = "decided_already"
#: what the person saw changed before they decided
PACK_CHANGED = "pack_changed"
#: the round the person was asked to decide in has closed
ROUND_CLOSED = "round_closed"
#: partners may join only up to a stage (values: state_title)
JOIN_CLOSED = "join_closed"
#: the last programme manager cannot be removed
LAST_PROGRAMME_MANAGER = "last_programme_manager"
#: the programme's lifecycle cannot be read (values: reason, a DEFINITION_TEXT_MISSING or DEFINITION_UNREADABLE)
BROKEN_DEFINITION = "broken_definition"
#: a pinned lifecycle's text is not in the database (values: hash, its first 12 characters)
DEFINITION_TEXT_MISSING = "definition_text_missing"
#: a pinned lifecycle's stored text no longer reads (values: lifecycle, version, detail: its first problems)
DEFINITION_UNREADABLE = "definition_unreadable"

# --- a gate's unmet requirements ------------------------------------------------------------------------------
#: figure checks not met (values: criteria: tuple of FIGURES_SHORT_ITEM reasons)
FIGURES_SHORT = "figures_short"
#: one criterion in FIGURES_SHORT (values: title, why: the figure check's own words)
FIGURES_SHORT_ITEM = "figures_short_item"
#: evidence is missing (values: count, titles: tuple of criterion titles)
EVIDENCE_MISSING = "evidence_missing"
#: a rejection stands (values: person, capacity: a CAPACITY or CAPACITY_OF_PARTNER reason, comment)
REJECTED_BY = "rejected_by"
#: a programme-wide role's sign-off awaited (values: role)
AWAITING_ROLE = "awaiting_role"
#: nobody holds a programme-wide role (values: role)
NOBODY_NAMED = "nobody_named"
#: partner roles' sign-offs awaited (values: role, partners: tuple of names)
AWAITING_PARTNERS = "awaiting_partners"
#: nobody holds a partner role for some partners (values: role, partners: tuple of names)
NOBODY_NAMED_FOR = "nobody_named_for"
#: a partner's approval held back by its own body's decision (values: partner, body: a BODY reason, status: a
#: HOLD_STATUS reason)
APPROVAL_HELD = "approval_held"
#: steering group quorum not met (values: detail: a QUORUM_COUNT or NO_STEERING_MEMBERS reason)
QUORUM_NOT_MET = "quorum_not_met"
#: partners with no steering member taking part (values: partners: tuple of names)
NOT_PRESENT = "not_present"

# --- a gate's requirements: labels and details -----------------------------------------------------------------
#: a criterion's label (values: title, the lifecycle's)
CRITERION = "criterion"
#: a programme-wide role's label (values: role)
ROLE_SIGN_OFF = "role_sign_off"
#: a partner role's label (values: role, partner)
PARTNER_SIGN_OFF = "partner_sign_off"
#: a decision of a partner's body (values: body: a BODY reason, partner)
BODY_DECISION = "body_decision"
#: the steering group's quorum
QUORUM = "quorum"
#: a steering member of each partner takes part
EACH_PARTNER_PRESENT = "each_partner_present"
#: detail: a figure check's own words (values: text)
FIGURES_DETAIL = "figures_detail"
#: detail: the figures have not been checked
FIGURES_NOT_CHECKED = "figures_not_checked"
#: detail: a sign-off was rejected
SIGN_OFF_REJECTED = "sign_off_rejected"
#: detail: approved, held until the partner's own decision counts
SIGN_OFF_HELD = "sign_off_held"
#: detail: nobody holds the role
NOBODY_HOLDS_ROLE = "nobody_holds_role"
#: detail: how many steering members approved (values: approving, members, needed, measure: a QUORUM_MEASURE
#: reason or None)
QUORUM_COUNT = "quorum_count"
#: detail: nobody is a steering group member
NO_STEERING_MEMBERS = "no_steering_members"
#: detail: the partners absent (values: partners: tuple of names)
ABSENT_PARTNERS = "absent_partners"

# --- the honest-conversation register (workflow.records.register) ---------------------------------------------
#: a declared item (values: kind, a DECLARATION_KIND reason; title)
DECLARATION_ITEM = "declaration_item"
#: a partner objects to another's item (values: objector, owner, item: a DECLARATION_ITEM reason)
REGISTER_OBJECTION = "register_objection"
#: a partner has declared neither items nor that it has none (values: partner)
REGISTER_NOT_DECLARED = "register_not_declared"
#: a partner has not answered another's item (values: partner, owner, item: a DECLARATION_ITEM reason)
REGISTER_NOT_ANSWERED = "register_not_answered"
#: the register is not agreed (values: problems: tuple of the three reasons above)
REGISTER_OPEN = "register_open"
#: the register is agreed (values: count, the items declared)
REGISTER_AGREED = "register_agreed"
#: the register's figure check found no such programme (values: programme_id)
REGISTER_NO_PROGRAMME = "register_no_programme"

# --- terms, values that are codes themselves -------------------------------------------------------------------
#: a capacity (values: role)
CAPACITY = "capacity"
#: a partner capacity (values: role, partner: a name, or None for a former partner)
CAPACITY_OF_PARTNER = "capacity_of_partner"
#: a partner's decision-making body (values: body: cabinet, full_council, ...)
BODY = "body"
#: a partner decision's status (values: status: awaiting_decision, in_call_in, ...)
HOLD_STATUS = "hold_status"
#: how a quorum is measured (values: measure: majority, two_thirds, all)
QUORUM_MEASURE = "quorum_measure"
#: a declaration's kind (values: kind: precondition, red_line, non_negotiable)
DECLARATION_KIND = "declaration_kind"

#: every code, for the words' completeness test
CODES = frozenset(v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str) and k != "CODES")
#: the terms' own codes, with the values each may take (the words have one entry per value)
BODIES = ("cabinet", "full_council", "executive", "trust_board", "joint_committee", "board")
HOLD_STATUSES = ("awaiting_decision", "in_call_in", "called_in", "referred_back", "rejected", "counts")
QUORUM_MEASURES = ("majority", "two_thirds", "all")
DECLARATION_KINDS = ("precondition", "red_line", "non_negotiable")
