"""The words for every reason the engine gives (:mod:`workflow.engine.reasons`): per code, the English msgid
with named placeholders (``{partner}``), marked with ``N_`` so that ``make i18n`` extracts it; the Welsh is in
the engine's catalogue (``workflow/words/translations/cy``).

A translation keeps every placeholder. Lists (names, titles) are joined as each entry says; values that are
codes themselves (a body, a decision's status, a quorum's measure) are :data:`TERMS`, translated in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import reasons as R
from ..engine.errors import N_ as N_


@dataclass(frozen=True)
class Words:
    """A code's words: ``msgid``; ``one`` when ``count`` is 1; ``without`` when the value ``optional`` is empty.
    ``joins``: per list value, its separator and how each item is written (``"'{}'"``: quoted)."""

    msgid: str
    one: str | None = None
    without: str | None = None
    optional: str = ""
    joins: dict[str, tuple[str, str]] = field(default_factory=dict)


NAMES = {"partners": (", ", "{}")}

WORDS: dict[str, Words] = {
    # refusals of moves
    R.NOT_A_MOVE: Words(N_("'{move}' is not a move of lifecycle '{lifecycle}'")),
    R.PROGRAMME_ENDED: Words(N_("the programme has ended ({state_title})")),
    R.ENDED: Words(N_("the programme has ended")),
    R.ENDED_NO_MOVES: Words(N_("the programme has ended ({state_title}); no further moves are possible")),
    R.NOT_OPTIONAL_STAGE: Words(N_("'{state_title}' is not an optional stage, so it cannot be waived")),
    R.NOT_OPTIONAL: Words(N_("'{state_title}' is not optional")),
    R.NO_EARLIER_STAGE: Words(N_("there is no earlier stage to return to from '{state_title}'")),
    R.NOT_FROM_STATE: Words(
        N_("'{move}' is not possible from '{state_title}'; possible moves: {moves}"),
        without=N_("'{move}' is not possible from '{state_title}'; possible moves: none"),
        optional="moves",
        joins={"moves": (", ", "{}")},
    ),
    R.NO_RETURN_ROUTE: Words(
        N_("cannot return from '{state}' to '{to}'; earlier stages allowed: {targets}"),
        joins={"targets": (", ", "{}")},
    ),
    R.MOVE_REFUSED: Words(N_("'{move}' was refused from '{state}'")),
    R.PARTNER_WITHDREW_ALREADY: Words(N_("{partner} withdrew already")),
    R.ALREADY_ON_VERSION: Words(N_("the programme already runs on the file's content (version {version})")),
    R.VERSION_NOT_RAISED: Words(
        N_("the file changed but its version is still {version}; raise the version above {current} to adopt it")
    ),
    R.VERSION_LACKS_STAGE: Words(N_("version {version} has no stage '{state}'")),
    R.NO_EVIDENCE_TO_WITHDRAW: Words(N_("'{criterion}' ({title}) has no evidence to withdraw")),
    R.SIGN_OFF_NOT_REQUESTED: Words(
        N_("sign-off has not been requested on the current evidence; the programme manager must request it first")
    ),
    R.DECIDED_ALREADY: Words(
        N_(
            "{person} has already decided in round {round}; a decision can be changed only after the programme "
            "manager resubmits"
        )
    ),
    R.PACK_CHANGED: Words(
        N_(
            "the evidence, figures or request changed after you opened the page; review the gate as it is now, "
            "then decide again"
        )
    ),
    R.ROUND_CLOSED: Words(
        N_("the request you were asked to decide has closed; it has been made again, so review it and decide")
    ),
    R.JOIN_CLOSED: Words(N_("partners may join only up to '{state_title}'")),
    R.LAST_PROGRAMME_MANAGER: Words(
        N_("a programme needs a programme manager: add another before removing the last one")
    ),
    R.BROKEN_DEFINITION: Words(N_("the lifecycle this programme runs on cannot be read: {reason}")),
    R.DEFINITION_TEXT_MISSING: Words(N_("its text ({hash}) is not in the database")),
    R.DEFINITION_UNREADABLE: Words(
        N_("its stored text ({lifecycle} version {version}) no longer reads: {detail}"), joins={"detail": ("; ", "{}")}
    ),
    # a gate's unmet requirements
    R.FIGURES_SHORT: Words(N_("the figures do not yet meet {criteria}"), joins={"criteria": ("; ", "{}")}),
    R.FIGURES_SHORT_ITEM: Words(N_("'{title}': {why}")),
    R.EVIDENCE_MISSING: Words(
        N_("evidence is missing for {count} criteria: {titles}"),
        one=N_("evidence is missing for {count} criterion: {titles}"),
        joins={"titles": ("; ", "'{}'")},
    ),
    R.REJECTED_BY: Words(
        N_("rejected by {person} as {capacity}: '{comment}'; {person} must approve a resubmission"),
        without=N_("rejected by {person} as {capacity}; {person} must approve a resubmission"),
        optional="comment",
    ),
    R.AWAITING_ROLE: Words(N_("awaiting sign-off from the {role}")),
    R.NOBODY_NAMED: Words(N_("nobody is named as the {role}")),
    R.AWAITING_PARTNERS: Words(N_("awaiting sign-off from the {role} of {partners}"), joins=NAMES),
    R.NOBODY_NAMED_FOR: Words(N_("nobody is named as {role} for {partners}"), joins=NAMES),
    R.APPROVAL_HELD: Words(N_("the approval of {partner} does not count yet: its {body} decision is {status}")),
    R.QUORUM_NOT_MET: Words(N_("steering group quorum not met: {detail}")),
    R.NOT_PRESENT: Words(N_("no steering member has taken part for {partners}"), joins=NAMES),
    # a gate's requirements: labels and details
    R.CRITERION: Words(N_("{title}")),
    R.ROLE_SIGN_OFF: Words(N_("the {role}")),
    R.PARTNER_SIGN_OFF: Words(N_("{role} of {partner}")),
    R.BODY_DECISION: Words(N_("Decision of the {body} of {partner}")),
    R.QUORUM: Words(N_("Steering group quorum")),
    R.EACH_PARTNER_PRESENT: Words(N_("A steering member of each partner has taken part")),
    R.FIGURES_DETAIL: Words(N_("{text}")),
    R.FIGURES_NOT_CHECKED: Words(N_("the figures have not been checked")),
    R.SIGN_OFF_REJECTED: Words(N_("rejected")),
    R.SIGN_OFF_HELD: Words(N_("approved, held until the partner's own decision counts")),
    R.NOBODY_HOLDS_ROLE: Words(N_("nobody holds this role")),
    R.QUORUM_COUNT: Words(
        N_("{approving} of {members} members approved, {needed} needed ({measure})"),
        without=N_("{approving} of {members} members approved, {needed} needed"),
        optional="measure",
    ),
    R.NO_STEERING_MEMBERS: Words(N_("nobody is named as a steering group member")),
    R.ABSENT_PARTNERS: Words(N_("{partners}"), joins=NAMES),
    # the honest-conversation register
    R.DECLARATION_ITEM: Words(N_("{kind} '{title}'")),
    R.REGISTER_OBJECTION: Words(N_("{objector} objects to {owner}'s {item}")),
    R.REGISTER_NOT_DECLARED: Words(N_("{partner} has not declared its preconditions and red lines (or none)")),
    R.REGISTER_NOT_ANSWERED: Words(N_("{partner} has not answered {owner}'s {item}")),
    R.REGISTER_OPEN: Words(N_("{problems}"), joins={"problems": ("; ", "{}")}),
    R.REGISTER_AGREED: Words(
        N_("every partner has declared ({count} items) and every declaration is accepted by all the other partners"),
        one=N_("every partner has declared ({count} item) and every declaration is accepted by all the other partners"),
    ),
    R.REGISTER_NO_PROGRAMME: Words(N_("no programme with id {programme_id}")),
    # terms
    R.CAPACITY: Words(N_("{role}")),
    R.CAPACITY_OF_PARTNER: Words(
        N_("{role} of {partner}"), without=N_("{role} of a former partner"), optional="partner"
    ),
}

#: Values that are codes: per term, the words for each value it may take.
TERMS: dict[str, dict[str, str]] = {
    R.BODY: {
        "cabinet": N_("cabinet"),
        "full_council": N_("full council"),
        "executive": N_("executive"),
        "trust_board": N_("trust board"),
        "joint_committee": N_("joint committee"),
        "board": N_("board"),
    },
    # English shows the status as its code, as before; Welsh says it in words
    R.HOLD_STATUS: {
        "awaiting_decision": N_("awaiting_decision"),
        "in_call_in": N_("in_call_in"),
        "called_in": N_("called_in"),
        "referred_back": N_("referred_back"),
        "rejected": N_("rejected"),
        "counts": N_("counts"),
    },
    R.QUORUM_MEASURE: {"majority": N_("a majority"), "two_thirds": N_("two thirds"), "all": N_("all of them")},
    R.DECLARATION_KIND: {
        "precondition": N_("precondition"),
        "red_line": N_("red line"),
        "non_negotiable": N_("non-negotiable"),
    },
}
