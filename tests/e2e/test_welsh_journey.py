"""In Welsh from start to finish, in a real browser: a programme manager switches to Cymraeg and signs in, sees
My work and a gate, and is refused a move the gate does not allow yet; a signatory then signs in in Welsh and
approves. On every page axe-core finds nothing, and no English is left on the page but proper nouns (people,
councils, the programme, banns itself) and what people typed."""

from __future__ import annotations

import re

import yaml
from e2e_support import EXAMPLE, PASSWORD, LiveServer
from playwright.sync_api import expect

from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

#: Common English words that are not Welsh words: any of them on a Welsh page is English left untranslated.
_WORDS = """the and of for with your you this that from by has have not are be will been was were what who when which
    there their they it its an or on any yes sign signed gate evidence decision decisions approve approved
    reject rejected stage programme programmes page back continue save name email password date required
    missing waiting awaiting request requested steering group signatory manager courtship review work my menu
    next step steps criteria criterion should must can cannot need needs still none open
    """
ENGLISH = frozenset(_WORDS.split())
#: What the test types as evidence, in Welsh (shown on the pages as typed).
TYPED = ("Wedi'i wneud, gyda'r llythyrau", "Wedi'i wneud")
WORD = re.compile(r"[A-Za-zÀ-ÿŵŷŴŶ]+(?:'[A-Za-zÀ-ÿŵŷ]+)?")


def proper_nouns() -> list[str]:
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    names = [spec["name"], *(p["name"] for p in spec["partners"])]
    for person in spec["people"]:
        names += [person["name"], person["email"]]
    return sorted([*names, "banns", "GOV.UK", "English", "Open Government Licence"], key=len, reverse=True)


def english_left(text: str, typed: tuple[str, ...] = ()) -> list[str]:
    """The English words on a page's text once proper nouns and what people typed are taken out."""
    for allowed in (*typed, *proper_nouns()):
        text = text.replace(allowed, " ")
    return sorted({w for w in WORD.findall(text) if w.lower() in ENGLISH})


def test_a_manager_and_a_signatory_work_in_welsh(visit, live: LiveServer) -> None:
    priya = visit("priya")
    priya.goto("/sign-in?lang=cy")
    expect(priya.page.locator("html")).to_have_attribute("lang", "cy")
    assert english_left(priya.page.inner_text("body")) == []
    priya.page.get_by_label("Cyfeiriad e-bost").fill("priya.shah@northbridge.example")
    priya.page.get_by_label("Cyfrinair").fill(PASSWORD)
    priya.press("Mewngofnodi")
    body = priya.page.inner_text("body")
    assert english_left(body) == [], body

    priya.goto("/programmes/1/gate")
    body = priya.page.inner_text("body")
    assert english_left(body) == [], body
    expect(priya.page.get_by_text("Ni all y rhaglen symud ymlaen eto")).to_be_visible()  # cannot advance yet

    programmes = Programmes(live.db, Registry(live.app.config["DEFINITIONS_DIR"]))
    criteria = [r.criterion for r in programmes.get(1).gate.report.requirements if r.criterion]
    for criterion in criteria:
        programmes.record_evidence(1, criterion, "Wedi'i wneud")
    programmes.request_sign_off(1)

    tom = visit("tom")
    tom.goto("/sign-in?lang=cy")
    tom.page.get_by_label("Cyfeiriad e-bost").fill("tom.hardy@northbridge.example")
    tom.page.get_by_label("Cyfrinair").fill(PASSWORD)
    tom.press("Mewngofnodi")
    tom.goto("/programmes/1/gate")
    body = tom.page.inner_text("body")
    assert english_left(body, TYPED) == [], body

    # while Tom reads, the evidence changes (which closes the request): his decision is refused, and he is
    # told why, in Welsh
    programmes.record_evidence(1, criteria[0], "Wedi'i wneud, gyda'r llythyrau")
    decide = tom.page.locator("#decide-form")
    decide.locator("input[type=radio][value=approve]").check()
    with tom.page.expect_navigation():
        decide.locator("button[type=submit]").click()
    tom.check()
    expect(tom.page.locator(".govuk-error-summary")).to_be_visible()
    body = tom.page.inner_text("body")
    assert english_left(body, TYPED) == [], body

    programmes.request_sign_off(1)  # the manager asks again, on the evidence as it is now
    tom.goto("/programmes/1/gate")
    decide.locator("input[type=radio][value=approve]").check()
    with tom.page.expect_navigation():
        decide.locator("button[type=submit]").click()
    tom.check()
    expect(tom.page.locator(".govuk-error-summary")).to_have_count(0)
    body = tom.page.inner_text("body")
    assert english_left(body, TYPED) == [], body
    assert [s.decision for s in programmes.get(1).gate.sign_offs] == ["approve"]
