"""The languages banns speaks, and the engine's catalogue in each (``translations/cy/LC_MESSAGES/workflow.po``:
every error's, reason's and command-line message's Welsh).

A catalogue is read from its ``.po`` text and compiled in memory once per process, so there is no build step
and no compiled file to go stale; the emails' catalogue is read the same way (:func:`read_catalogue`).
"""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from . import Gettext

LANGUAGES = ("en", "cy")
DEFAULT = "en"
CATALOGUE = Path(__file__).parent / "translations"
DOMAIN = "workflow"


def language_of(chosen: object) -> str:
    """``chosen`` (a code such as ``cy`` or ``cy_GB``, a Babel locale, or None) as a language banns speaks,
    else English."""
    code = str(chosen or "").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def read_catalogue(folder: Path, language: str, domain: str) -> NullTranslations:
    """The ``domain`` catalogue of ``language`` under ``folder``, compiled in memory (none for English, or
    for a language with no catalogue: the msgids are the English)."""
    po = folder / language / "LC_MESSAGES" / f"{domain}.po"
    if language == DEFAULT or not po.exists():
        return NullTranslations()
    with po.open("rb") as text:
        catalogue = read_po(text, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


@functools.cache
def translations(language: str) -> NullTranslations:
    """The engine's catalogue in ``language``."""
    return read_catalogue(CATALOGUE, language_of(language), DOMAIN)


def gettext_for(language: object) -> Gettext:
    """The gettext of the engine's catalogue in ``language`` (see :func:`language_of`)."""
    return translations(language_of(language)).gettext


def chosen_language(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The command line's language: ``BANNS_LANGUAGE`` if set, else the locale's (``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``: ``cy_GB.UTF-8`` is Welsh), else English."""
    env = os.environ if environ is None else environ
    for name in ("BANNS_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return language_of(env[name].split(".")[0])
    return DEFAULT
