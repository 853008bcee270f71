"""The Welsh catalogues' upkeep, the web's (``web/translations``, domain ``messages``), the emails'
(``workflow/reminders/translations``, domain ``emails``) and the engine's and command line's
(``workflow/words/translations``, domain ``workflow``): ``python -m web.i18n update`` (``make i18n``)
extracts every marked string into each domain's template and merges it into its Welsh catalogue; ``python -m web.i18n
check`` (``make i18n-check``, run by ``make lint``) fails when the committed template is stale (a string is
marked in the code but missing from it, or no longer used) or when a Welsh translation is missing, fuzzy or
has other placeholders than its English. Comparisons ignore the header, dates and line numbers."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "web" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
KEYWORDS = ("_l", "lazy_gettext")  # besides Babel's own: _, gettext, ngettext (singular and plural), N_, ...
LOCALES = ("cy",)
PLURALS = '"Plural-Forms: nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 :(n==6) ? 4 : 5;\\n"\n'
FIX = "Run `make i18n`, then translate the new strings in the Welsh catalogues (cy/LC_MESSAGES/*.po) it names."


@dataclass(frozen=True)
class Domain:
    """One catalogue: its name (the template's and catalogues' file name), its extraction config and its
    folder, both relative to the project's root, and the extra keywords that mark its strings."""

    name: str
    config: str
    folder: str
    keywords: tuple[str, ...] = ()

    def root_of(self, translations: Path) -> Path:
        """The project's root, given this domain's translations folder."""
        return translations.parents[len(Path(self.folder).parts) - 1]


WEB = Domain("messages", "babel.cfg", "web/translations", KEYWORDS)
EMAILS = Domain("emails", "workflow/reminders/translations/babel.cfg", "workflow/reminders/translations")
WORKFLOW = Domain("workflow", "workflow/words/translations/babel.cfg", "workflow/words/translations")
DOMAINS = (WEB, EMAILS, WORKFLOW)


def extract(target: Path, root: Path = ROOT, domain: Domain = WEB) -> None:
    """Every string marked in ``root``'s sources of ``domain`` (its config) into the template ``target``:
    sorted, no line numbers and no header, so that the committed file changes only when a marked string does."""
    args = ["pybabel", "-q", "extract", "-F", str(root / domain.config), "--no-location", "--omit-header"]
    args += ["--sort-output", "--no-wrap", "-o", str(target)]
    for keyword in domain.keywords:
        args += ["-k", keyword]
    CommandLineInterface().run([*args, str(root)])  # type: ignore[no-untyped-call]


def update(translations: Path = TRANSLATIONS, domain: Domain = WEB) -> None:
    """Extract, then merge the template into each language's catalogue: new strings empty, strings no longer
    marked dropped, no fuzzy guesses (a translator fills each new one)."""
    template_path = translations / f"{domain.name}.pot"
    extract(template_path, domain.root_of(translations), domain)
    template = _load(template_path)
    for locale in LOCALES:
        path = translations / locale / "LC_MESSAGES" / f"{domain.name}.po"
        catalogue = _load(path) if path.exists() else Catalog(locale=locale)
        catalogue.update(template, no_fuzzy_matching=True)
        write_catalogue(catalogue, path)


def write_catalogue(catalogue: Catalog, path: Path) -> None:
    """Write ``catalogue`` sorted, without line numbers, dates or obsolete strings (so it changes only when a
    translation does), with the Welsh plural forms in its header."""
    catalogue.obsolete.clear()
    catalogue.fuzzy = False  # a fuzzy header would make pybabel compile skip the whole catalogue
    buffer = io.BytesIO()
    write_po(buffer, catalogue, no_location=True, sort_output=True, ignore_obsolete=True, width=0)
    lines = buffer.getvalue().decode().splitlines(keepends=True)
    dated: tuple[str, ...] = (
        "POT-Creation-Date",
        "PO-Revision-Date",
        "Generated-By",
        "Last-Translator",
        "Language-Team",
    )
    dated = (*dated, "Project-Id-Version", "Report-Msgid-Bugs-To")
    kept = [line for line in lines if line != "#\n" and not line.startswith("# ")]
    kept = [line for line in kept if not any(line.startswith(f'"{field}') for field in dated)]
    kept = [PLURALS if line.startswith('"Plural-Forms') else line for line in kept]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(kept).lstrip("\n"), encoding="utf-8")


def compile_catalogues(translations: Path = TRANSLATIONS) -> None:
    """Build each language's ``messages.mo`` from its ``.po`` where it is missing or older (``make setup``
    does this with pybabel; tests call this). Written beside it and renamed, so a running app never reads
    half a file."""
    for locale in LOCALES:
        po = translations / locale / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalogue = _load(po)
        with tempfile.NamedTemporaryFile(dir=mo.parent, suffix=".mo.tmp", delete=False) as file:
            write_mo(file, catalogue)
        os.chmod(file.name, 0o644)
        os.replace(file.name, mo)


def _ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def _load(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def stale(root: Path = ROOT, domain: Domain = WEB) -> list[str]:
    """What differs between the strings marked in the code and the committed template, in words."""
    template = root / domain.folder / f"{domain.name}.pot"
    if not template.exists():
        return [f"{template.relative_to(root)} is missing"]
    pot = template.name
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / pot
        extract(fresh, root, domain)
        marked, committed = _ids(_load(fresh)), _ids(_load(template))
    problems = [f"marked in the code but missing from {pot}: {_show(i)}" for i in marked - committed]
    problems += [f"in {pot} but no longer marked in the code: {_show(i)}" for i in committed - marked]
    return sorted(problems)


def untranslated(root: Path = ROOT, locale: str = "cy", domain: Domain = WEB) -> list[str]:
    """Each string of the template whose ``locale`` translation is missing, empty, fuzzy or has other
    placeholders than the English, in words."""
    translations = root / domain.folder
    catalogue_path = translations / locale / "LC_MESSAGES" / f"{domain.name}.po"
    if not catalogue_path.exists():
        return [f"{catalogue_path.relative_to(root)} is missing"]
    catalogue = _load(catalogue_path)
    problems = []
    for message in _load(translations / f"{domain.name}.pot"):
        if not message.id:
            continue
        found = catalogue.get(message.id)
        strings = [] if found is None else found.string if isinstance(found.string, tuple) else [found.string]
        if found is None or not all(strings):
            problems.append(f"no {locale} translation: {_show(message.id)}")
        elif found.fuzzy:
            problems.append(f"fuzzy {locale} translation (check it, then remove the fuzzy flag): {_show(message.id)}")
    for found, errors in catalogue.check():
        if found.id and found.string:
            problems += [f"{locale} translation of {_show(found.id)}: {error}" for error in errors]
    return problems


def _show(message_id: object) -> str:
    text = message_id[0] if isinstance(message_id, tuple) else str(message_id)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def check(root: Path = ROOT) -> list[str]:
    """Every problem with the catalogues of ``root`` (none: they are complete and up to date)."""
    problems = []
    for domain in DOMAINS:
        if (root / domain.config).exists():
            problems += stale(root, domain)
            problems += [problem for locale in LOCALES for problem in untranslated(root, locale, domain)]
    return problems


def _report(problems: Iterable[str]) -> int:
    problems = list(problems)
    if not problems:
        print("The Welsh catalogues are complete and up to date.")
        return 0
    print(f"The translations need work ({len(problems)} problems):", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print(FIX, file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    """``update`` or ``check``."""
    if argv[1:] == ["update"]:
        for domain in DOMAINS:
            update(ROOT / domain.folder, domain)
        return 0
    if argv[1:] == ["check"]:
        return _report(check())
    print("usage: python -m web.i18n update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
