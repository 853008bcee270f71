"""A definition's sign-off rules in words, as ``banns definitions show`` prints them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.errors import N_
from .words import _

if TYPE_CHECKING:
    from ..engine.definitions import Definition


def rules_text(d: Definition, rules: Any) -> str:
    """A gate's sign-off rules in words: who must sign."""
    parts = []
    if rules.each_partner:
        parts.append(_("each partner's signatory"))
    if rules.quorum:
        q = rules.quorum
        shares = {
            "majority": N_("a majority of the steering group"),
            "two_thirds": N_("two thirds of the steering group"),
            "all": N_("all of the steering group"),
        }
        if q.share:
            need = _(shares[q.share])
        elif q.count:
            need = _("{count} steering members", count=q.count)
        else:
            need = _("at least {fraction} of the steering group", fraction=format(q.fraction, "%"))
        parts.append(_("{need}, one of each partner taking part", need=need) if q.each_partner_present else need)
    for r in rules.roles:
        each = d.role_scope[r] == "partner"
        title = d.role_title[r]
        parts.append(_("the {role} of each partner", role=title) if each else _("the {role}", role=title))
    return "; ".join(parts)
