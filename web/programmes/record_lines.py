"""The lines of the partnership's records and money in the programme's log: the honest conversation, the
partners' decisions, the shared scope, the RAID log and the money figures. Their events keep facts (names,
kinds, amounts as text) and only what a person typed as their reason; the words are made here, in the
request's language. Events logged before that kept an English sentence as their reason: their line is the
general one, and the page shows the sentence beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from web.extensions import _ as gettext
from web.extensions import reason_text
from web.gates.decisions import BODY_TITLES
from web.money.words import CATEGORY_WORDS, rating_words
from web.programmes.line_values import day, nonzero, pounds
from web.records.raid import KIND_LABELS
from workflow.engine.views import EventView
from workflow.money import years as fy
from workflow.records.register import item

if TYPE_CHECKING:
    from web.programmes.event_lines import Names

Line = Callable[[EventView, dict[str, Any], "Names"], str]


def _(text: str, **values: Any) -> str:
    return str(gettext(text, **values))


def _partner(data: dict[str, Any], names: Names, key: str = "partner") -> str:
    return str(data.get(key) or names.partner(data.get(f"{key}_id")))


def _item(data: dict[str, Any]) -> str:
    """The declared item in words (events logged before kept it as English, in ``item``)."""
    if data.get("item_kind"):
        return reason_text(item(str(data["item_kind"]), str(data.get("item_title", ""))))
    return str(data.get("item", ""))


# --- the honest conversation ---------------------------------------------------------------------------


def _declared(event: EventView, data: dict[str, Any], names: Names) -> str:
    partner = _partner(data, names)
    if event.kind == "nothing_declared":
        return _("%(partner)s declared it has no preconditions, red lines or non-negotiables", partner=partner)
    if event.kind == "declaration_revised":
        return _(
            "%(partner)s revised its declaration to a %(item)s; every other partner is asked again",
            partner=partner,
            item=_item(data),
        )
    return _("%(partner)s declared a %(item)s", partner=partner, item=_item(data))


def _answered(event: EventView, data: dict[str, Any], names: Names) -> str:
    said = {"partner": _partner(data, names), "owner": _partner(data, names, "owner"), "item": _item(data)}
    if event.kind == "declaration_accepted":
        return _("%(partner)s accepted %(owner)s's %(item)s", **said)
    if event.kind == "declaration_objected":
        return _("%(partner)s objected to %(owner)s's %(item)s", **said)
    return _("%(partner)s withdrew its objection to %(owner)s's %(item)s", **said)


# --- the partners' decisions ---------------------------------------------------------------------------


def _decision(event: EventView, data: dict[str, Any], names: Names) -> str:
    body = str(data.get("body", ""))
    said = {"body": str(BODY_TITLES.get(body, body)), "partner": _partner(data, names)}
    said["day"] = day(data.get("meeting_on"))
    if event.kind == "call_in_recorded":
        return _(
            "%(body)s decision of %(partner)s (meeting on %(day)s) called in on %(called)s",
            called=day(data.get("called_in_on")),
            **said,
        )
    if event.kind == "call_in_resolved":
        if data.get("resolution") == "referred_back":
            return _("Call-in of the %(body)s decision of %(partner)s resolved: referred back", **said)
        return _("Call-in of the %(body)s decision of %(partner)s resolved: the decision stands", **said)
    if data.get("outcome") == "approved":
        return _("%(body)s of %(partner)s approved at its meeting on %(day)s", **said)
    if data.get("outcome") == "rejected":
        return _("%(body)s of %(partner)s rejected at its meeting on %(day)s", **said)
    return _("%(body)s of %(partner)s meets on %(day)s: not yet decided", **said)


def _pre_election(event: EventView, data: dict[str, Any], names: Names) -> str:
    return _(
        "Pre-election period of %(partner)s from %(starts)s to polling day %(polling)s",
        partner=_partner(data, names),
        starts=day(data.get("starts_on")),
        polling=day(data.get("polling_on")),
    )


# --- the shared scope and the RAID log -----------------------------------------------------------------


def _scope(event: EventView, data: dict[str, Any], names: Names) -> str:
    said = {"service": str(data.get("service", "")), "partner": _partner(data, names)}
    if event.kind == "scope_service_added":
        return _("Brought %(service)s into the shared scope", **said)
    if event.kind == "scope_service_removed":
        return _("Took %(service)s out of the shared scope", **said)
    if event.kind == "scope_local_added":
        return _("%(partner)s keeps %(service)s local", **said)
    return _("%(partner)s no longer keeps %(service)s local", **said)


def _raid(event: EventView, data: dict[str, Any], names: Names) -> str:
    kind = str(data.get("raid_kind", ""))
    entry = _("%(kind)s %(number)s", kind=str(KIND_LABELS.get(kind, kind)).strip(), number=data.get("entry", ""))
    if data.get("title"):
        entry = _("%(entry)s, “%(title)s”", entry=entry, title=data["title"])
    words = {
        "raid_added": _("Added %(entry)s to the RAID log", entry=entry),
        "raid_changed": _("Changed %(entry)s in the RAID log", entry=entry),
        "raid_closed": _("Closed %(entry)s in the RAID log", entry=entry),
    }
    return words.get(event.kind) or _("Reopened %(entry)s in the RAID log", entry=entry)


# --- money -------------------------------------------------------------------------------------------


def _figures(event: EventView, data: dict[str, Any], names: Names) -> str:
    describe = _FIGURES.get(str(data.get("change", "")))
    return describe(data, names) if describe else _("Money figures changed")


def _investment(data: dict[str, Any], names: Names) -> str:
    category = str(data.get("category", ""))
    said = {"category": str(CATEGORY_WORDS.get(category, category)), "year": str(data.get("year", ""))}
    said["how"] = _("recurring") if data.get("recurring") else _("one-off")
    if nonzero(data.get("amount")):
        return _(
            "Set the %(category)s investment (%(how)s) in %(year)s to %(amount)s",
            amount=pounds(data["amount"]),
            **said,
        )
    return _("Removed the %(category)s investment (%(how)s) in %(year)s", **said)


def _saving(data: dict[str, Any], names: Names) -> str:
    said = {"service": str(data.get("service", "")), "year": str(data.get("year", ""))}
    if nonzero(data.get("amount")):
        return _(
            "Set the planned savings of %(service)s in %(year)s to %(amount)s", amount=pounds(data["amount"]), **said
        )
    return _("Removed the planned savings of %(service)s in %(year)s", **said)


def _baseline(data: dict[str, Any], names: Names) -> str:
    said = {"partner": str(data.get("partner", "")), "service": str(data.get("service", ""))}
    if nonzero(data.get("amount")):
        return _("Set the baseline of %(partner)s for %(service)s to %(amount)s", amount=pounds(data["amount"]), **said)
    return _("Removed the baseline of %(partner)s for %(service)s", **said)


def _basis(data: dict[str, Any], names: Names) -> str:
    kinds = {
        "equal": _("equal shares"),
        "population": _("population ratio"),
        "net_budget": _("net budget ratio"),
        "fixed": _("fixed percentages"),
    }
    basis = kinds.get(str(data.get("basis"))) or _("by %(driver)s", driver=data.get("driver") or _("a driver"))
    if data.get("service"):
        return _("Agreed how the savings of %(service)s are shared: %(basis)s", service=data["service"], basis=basis)
    return _("Agreed how the programme's costs are shared: %(basis)s", basis=basis)


def _retrue(data: dict[str, Any], names: Names) -> str:
    if data.get("service"):
        return _("Re-trued the shares of the savings of %(service)s", service=data["service"])
    return _("Re-trued the shares of the programme's costs")


def _imported(data: dict[str, Any], names: Names) -> str:
    if data.get("change") == "spreadsheet":
        return _("Imported the money figures from the spreadsheet %(file)s", file=data.get("file", ""))
    if data.get("replace"):
        return _("Imported the money figures from %(file)s, replacing all", file=data.get("file", ""))
    return _("Imported the money figures from %(file)s", file=data.get("file", ""))


def _terms(data: dict[str, Any], names: Names) -> str:
    return _(
        "Set the pre-nuptial terms: %(notice)s months' notice, a minimum term of %(term)s months",
        notice=data.get("notice_months", ""),
        term=data.get("minimum_term_months", ""),
    )


_FIGURES: dict[str, Callable[[dict[str, Any], Names], str]] = {
    "investment": _investment,
    "saving": _saving,
    "baseline": _baseline,
    "basis": _basis,
    "retrue": _retrue,
    "spreadsheet": _imported,
    "import": _imported,
    "terms": _terms,
    "term": lambda data, names: _("Set the withdrawal term from %(stage)s", stage=names.stage(data.get("from_stage"))),
    "case": lambda data, names: _("Replaced the business case figures"),
    "agreement": lambda data, names: _("Recorded the pre-nuptial agreement"),
}


def _tracked(event: EventView, data: dict[str, Any], names: Names) -> str:
    if event.kind == "cost_recorded":
        category = str(data.get("category", ""))
        return _(
            "Recorded %(amount)s spent on %(category)s on %(day)s",
            amount=pounds(data.get("amount", "")),
            category=str(CATEGORY_WORDS.get(category, category)),
            day=day(data.get("on")),
        )
    if event.kind == "actual_recorded":
        return _(
            "Recorded actual savings of %(amount)s for %(service)s in %(year)s",
            amount=pounds(data.get("amount", "")),
            service=data.get("service", ""),
            year=_year(data.get("year")),
        )
    if event.kind == "confidence_recorded":
        return _(
            "Recorded delivery confidence for %(period)s: %(rating)s",
            period=data.get("period", ""),
            rating=rating_words(str(data.get("rating", ""))),
        )
    return _("Recorded the measure %(name)s for %(year)s", name=data.get("name", ""), year=_year(data.get("year")))


def _year(value: Any) -> str:
    return fy.label(value) if isinstance(value, int) else str(value or "")


RECORD_LINES: dict[str, Line] = {
    "declaration_made": _declared,
    "nothing_declared": _declared,
    "declaration_revised": _declared,
    "declaration_accepted": _answered,
    "declaration_objected": _answered,
    "objection_withdrawn": _answered,
    "decision_recorded": _decision,
    "call_in_recorded": _decision,
    "call_in_resolved": _decision,
    "pre_election_period_set": _pre_election,
    **{k: _scope for k in ("scope_service_added", "scope_service_removed", "scope_local_added", "scope_local_removed")},
    **{k: _raid for k in ("raid_added", "raid_changed", "raid_closed", "raid_reopened")},
    "figures_changed": _figures,
    **{k: _tracked for k in ("cost_recorded", "actual_recorded", "measure_recorded", "confidence_recorded")},
}
