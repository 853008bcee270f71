"""The Welsh catalogue's check (``make i18n-check``, run by ``make lint`` and so by CI): the committed
catalogue is complete, and the check fails, saying what to do, when a string is marked in the code but not
extracted, or extracted but not translated, or translated with other placeholders than the English."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask

from web.i18n import ROOT, check, compile_catalogues, main, update, write_catalogue


def copy_of_the_project(tmp_path: Path) -> Path:
    """What the check reads: babel.cfg, the web package's code and templates, the words for the engine's
    reasons (workflow/words), and the catalogues."""
    root = tmp_path / "banns"
    root.mkdir()
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    skip = shutil.ignore_patterns("static", "__pycache__", "*.mo")
    shutil.copytree(ROOT / "web", root / "web", ignore=skip)
    shutil.copytree(ROOT / "workflow", root / "workflow", ignore=skip)
    return root


def test_the_committed_catalogue_is_complete_and_up_to_date(capsys) -> None:
    assert check() == []
    assert main(["i18n", "check"]) == 0
    assert "complete and up to date" in capsys.readouterr().out
    with (ROOT / "web" / "translations" / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file, locale="cy")
    assert catalogue.num_plurals == 6
    assert catalogue["Sign in"].string == "Mewngofnodi"
    assert catalogue["Continue"] is None or catalogue["Continue"].string == "Parhau"
    assert catalogue["There is a problem"].string == "Mae problem wedi codi"
    plural = catalogue["%(num)s programme"]
    assert plural.pluralizable and len(plural.string) == 6 and all(plural.string)


def test_a_new_marked_string_fails_the_check_until_it_is_extracted_and_translated(tmp_path: Path, capsys) -> None:
    root = copy_of_the_project(tmp_path)
    template = root / "web" / "templates" / "about" / "accessibility.html"
    template.write_text(template.read_text() + '\n{{ _("A sentence nobody has translated") }}\n')

    problems = check(root)
    assert problems == ["marked in the code but missing from messages.pot: 'A sentence nobody has translated'"]

    update(root / "web" / "translations")  # make i18n
    assert check(root) == ["no cy translation: 'A sentence nobody has translated'"]

    po = root / "web" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as file:
        catalogue = read_po(file, locale="cy")
    catalogue["A sentence nobody has translated"].string = "Brawddeg"
    catalogue["A sentence nobody has translated"].flags.add("fuzzy")
    write_catalogue(catalogue, po)
    assert [p.split(":")[0] for p in check(root)] == ["fuzzy cy translation (check it, then remove the fuzzy flag)"]

    catalogue["A sentence nobody has translated"].flags.discard("fuzzy")
    catalogue["Page %(n)s"].string = "Tudalen %(rhif)s"
    write_catalogue(catalogue, po)
    assert len(check(root)) == 1 and "Page %(n)s" in check(root)[0]


def test_a_string_no_longer_marked_makes_the_template_stale(tmp_path: Path, capsys) -> None:
    root = copy_of_the_project(tmp_path)
    template = root / "web" / "templates" / "about" / "cookies.html"
    template.write_text(template.read_text().replace('_("Essential cookies")', '"Essential cookies"'))
    assert check(root) == ["in messages.pot but no longer marked in the code: 'Essential cookies'"]
    assert main(["i18n", "bogus"]) == 2


def test_every_code_the_engine_names_in_english_has_words_in_the_catalogue(app: Flask) -> None:
    """The money's categories, recompute rules and delivery-confidence ratings, the RAID bands, partners'
    kinds and nations and emails' statuses come from workflow/ as codes; the web words each
    (web/money/words.py, web/records/raid.py, web/code_words.py), so a code added there without words fails
    here."""
    from web.code_words import MAIL_STATUS_WORDS, NATION_WORDS, PARTNER_KIND_WORDS
    from web.money.words import CATEGORY_WORDS, RATING_WORDS, RECOMPUTE_WORDS
    from web.records.raid import BAND_WORDS
    from workflow.engine.kinds import PARTNER_KINDS
    from workflow.money.benefits import SCALES
    from workflow.money.case import CATEGORY_TITLES
    from workflow.money.prenup import RECOMPUTE_TITLES
    from workflow.records.raid import BANDS
    from workflow.reminders.models import STATUSES as MAIL_STATUSES

    assert set(CATEGORY_WORDS) == set(CATEGORY_TITLES)
    assert set(RECOMPUTE_WORDS) == set(RECOMPUTE_TITLES)
    assert set(BAND_WORDS) == {name for _lowest, name in BANDS}
    assert set(RATING_WORDS) == {rating for scale in SCALES.values() for rating in scale}
    assert set(PARTNER_KIND_WORDS) == set(PARTNER_KINDS) and set(MAIL_STATUS_WORDS) == set(MAIL_STATUSES)
    every = [*CATEGORY_WORDS.values(), *RECOMPUTE_WORDS.values(), *BAND_WORDS.values(), *RATING_WORDS.values()]
    every += [*PARTNER_KIND_WORDS.values(), *NATION_WORDS.values(), *MAIL_STATUS_WORDS.values()]
    compile_catalogues()
    with app.test_request_context("/?lang=en"):
        english = [str(words) for words in every]
    with app.test_request_context("/?lang=cy"):
        welsh = [str(words) for words in every]
    assert english[:2] == ["Set-up", "IT"] and welsh[:2] == ["Sefydlu", "TG"]
    assert not set(english) & set(welsh), "each has a Welsh translation"
