"""Every email template, fed hostile text in every value it shows: the text part keeps the words but never
a placeholder (nor any ``{{``/``}}``), the HTML part escapes them, and the subject stays one line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from workflow.reminders.messages import Mail, inner_html, inner_text, render, sign_placeholder

HOSTILE = 'Ann {{sign_link:abc}} <b>bold</b> & "q" {% raw %}\nnext line }'
DAY = date(2027, 3, 5)
TEMPLATES = Path(__file__).resolve().parents[2] / "workflow" / "reminders" / "templates"

VALUES: dict[str, dict[str, Any]] = {
    "sign_off_requested": {
        "actor": HOSTILE,
        "waiver": False,
        "stage": HOSTILE,
        "programme": HOSTILE,
        "round": 2,
        "note": HOSTILE,
    },
    "sign_off_reminder": {"programme": HOSTILE, "stage": HOSTILE, "requested_on": DAY},
    "escalation": {"programme": HOSTILE, "stage": HOSTILE, "requested_on": DAY, "pending": [HOSTILE, HOSTILE]},
    "rejected": {"actor": HOSTILE, "stage": HOSTILE, "programme": HOSTILE, "reason": HOSTILE},
    "moved": {"move": "returned", "programme": HOSTILE, "before": HOSTILE, "after": HOSTILE, "reason": HOSTILE},
    "partner_withdrew": {"partner": HOSTILE, "programme": HOSTILE, "reason": HOSTILE},
    "stage_end": {"programme": HOSTILE, "stage": HOSTILE, "end": DAY},
    "review_due": {"programme": HOSTILE, "day": DAY},
    "deputy_reminder": {
        "programme": HOSTILE,
        "stage": HOSTILE,
        "requested_on": DAY,
        "signatory": HOSTILE,
        "until": DAY,
    },
    "deputy_requested": {
        "actor": HOSTILE,
        "waiver": False,
        "stage": HOSTILE,
        "programme": HOSTILE,
        "round": 2,
        "note": HOSTILE,
        "signatory": HOSTILE,
        "until": DAY,
    },
    "raid_review": {
        "programme": HOSTILE,
        "kind": "risk",
        "title": HOSTILE,
        "rating": 20,
        "band": "very high",
        "day": DAY,
    },
    "transfer_clock": {
        "programme": HOSTILE,
        "what": HOSTILE,
        "deadline": DAY,
        "days_before": 30,
        "transfer": DAY,
        "partner": HOSTILE,
    },
    "decision_date": {
        "programme": HOSTILE,
        "partner": HOSTILE,
        "body": HOSTILE,
        "what": "call_in",
        "day": DAY,
        "meeting": DAY,
    },
    "invitation": {"inviter": HOSTILE},
    "password_reset": {"expires_at": datetime(2027, 7, 1, 9, 0, tzinfo=UTC)},
    "digest": {"mode": "weekly", "period": DAY, "items": []},
}
DEADLINES = {"stage_end", "review_due", "transfer_clock", "decision_date", "raid_review"}
LINKS = {
    "sign_off_requested": sign_placeholder("own-nonce"),
    "invitation": "https://banns.example/invitation/x",
    "password_reset": "https://banns.example/password-reset/new?token=x",
}


def test_every_template_is_checked_here() -> None:
    names = {p.name.removesuffix(".j2") for p in TEMPLATES.glob("*.j2")} - {"layout.txt", "layout.html"}
    assert names == set(VALUES)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_hostile_values_stay_words(name: str) -> None:
    mail = Mail(name, VALUES[name], link=LINKS.get(name), deadline=DAY if name in DEADLINES else None)
    words = render(mail, HOSTILE)
    own = "{{sign_link:own-nonce}}"
    text, markup = words.text.replace(own, ""), words.html.replace(own, "")
    for body in (text, markup):
        assert "{{" not in body and "}}" not in body and "{%" not in body
    if name not in ("password_reset", "digest"):  # these show no typed text but the greeting
        assert "&lt;b&gt;bold&lt;/b&gt;" in markup and "<b>bold</b>" in text.partition("\n")[2]
    assert "<b>" not in markup and "sign_link:abc" in text and "<b>bold</b>" in text  # words kept, inert
    assert text.startswith("Dear Ann {") and "\n-- \n" in text
    assert "\n" not in words.subject and words.subject
    assert (words.deadline_title is not None) == (name in DEADLINES)
    if words.deadline_title:
        assert "\n" not in words.deadline_title and "{{" not in words.deadline_title
    if name in LINKS:
        assert str(LINKS[name]) in words.text and str(LINKS[name]) in words.html


def test_a_digest_quotes_each_message_with_its_link_and_nothing_else() -> None:
    quoted = render(Mail("sign_off_requested", VALUES["sign_off_requested"], link=sign_placeholder("n1")), "Tom")
    item = {"subject": quoted.subject, "text": inner_text(quoted.text), "html": inner_html(quoted.html)}
    digest = render(Mail("digest", {"mode": "daily", "period": DAY, "items": [item, item]}), "Tom")
    assert digest.subject == "Your daily digest: 2 messages"
    assert digest.text.count("{{sign_link:n1}}") == 2 and digest.html.count("{{sign_link:n1}}") == 2
    assert digest.text.count("Dear ") == 1 and digest.html.count("Dear ") == 1  # the quoted greetings are left out
    assert "{{sign_link:abc}}" not in digest.text + digest.html
