"""Text a lifecycle file shows to people, in English and optionally Welsh.

A title or description in a definition file is either plain text (English, as files have always been) or a
mapping of languages, ``{en: Outline case, cy: Achos amlinellol}``: ``en`` required, ``cy`` optional, any
other key an error naming its line. Either way it becomes a :class:`Text`, which *is* its English as a
string (equality, hashing, JSON, formatting, logs all see the English), and carries the Welsh beside it for
the layer that knows the reader's language to pick with :meth:`Text.in_`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, PlainSerializer, StringConstraints, Tag

from .text import MultiLine, SingleLine

#: Languages a lifecycle file may give its texts in; English is required, the others optional.
LANGUAGES = ("en", "cy")


class Text(str):
    """English text that may carry a Welsh translation (``cy``)."""

    cy: str | None

    def __new__(cls, en: str, cy: str | None = None) -> Text:
        made = super().__new__(cls, en)
        made.cy = cy or None
        return made

    @property
    def en(self) -> str:
        return str.__str__(self)

    @property
    def translations(self) -> dict[str, str]:
        """Every language given, by code: always ``en``, and ``cy`` where there is Welsh."""
        return {"en": self.en, **({"cy": self.cy} if self.cy else {})}

    def in_(self, language: object) -> str:
        """The text in ``language`` (a code such as ``cy`` or a babel ``Locale``): the Welsh where asked for
        and given, else the English."""
        wanted = str(language or "en").replace("-", "_").split("_")[0].lower()
        return self.cy if wanted == "cy" and self.cy else self.en

    # What templates and code do to a title before printing it ("the first letter in capitals") keeps both
    # languages, so the printed text is still in the reader's language.
    def __getitem__(self, key: Any) -> Text:
        return self._both(lambda s: s[key])

    def capitalize(self) -> Text:
        return self._both(str.capitalize)

    def upper(self) -> Text:
        return self._both(str.upper)

    def lower(self) -> Text:
        return self._both(str.lower)

    def strip(self, chars: str | None = None) -> Text:
        return self._both(lambda s: s.strip(chars))

    def _both(self, change: Any) -> Text:
        return Text(change(self.en), change(self.cy) if self.cy else None)

    def __repr__(self) -> str:
        return f"Text({self.en!r}, cy={self.cy!r})" if self.cy else f"Text({self.en!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.en, self.cy))


def in_language(value: Any, language: object) -> Any:
    """``value`` in ``language`` when it is a :class:`Text`; anything else as it is."""
    return value.in_(language) if isinstance(value, Text) else value


class _Languages(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_OneLine = Annotated[SingleLine, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
_Lines = Annotated[MultiLine, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class TitleLanguages(_Languages):
    en: _OneLine
    cy: _OneLine | None = None


class DescriptionLanguages(_Languages):
    en: _Lines
    cy: _Lines | None = None


#: Tags of the two forms; :func:`workflow.engine.yamlsource.pydantic_problems` leaves ``<...>`` parts out of
#: the paths it reports, so a problem names the document's own keys (``stages[1].title.fr``).
PLAIN, BY_LANGUAGE = "<plain>", "<by language>"


def _form(value: Any) -> str:
    return BY_LANGUAGE if isinstance(value, dict | _Languages) else PLAIN


def _to_text(value: str | _Languages) -> Text:
    if isinstance(value, _Languages):
        return Text(value.en, value.cy)  # type: ignore[attr-defined]
    return value if isinstance(value, Text) else Text(value)


def _dumped(value: Text) -> str | dict[str, str]:
    """Plain English stays a string (so old definitions dump as they always did); with Welsh, a mapping."""
    return value.translations if isinstance(value, Text) and value.cy else str(value)


def _bilingual(plain: Any, languages: type[_Languages]) -> Any:
    return Annotated[
        Annotated[plain, Tag(PLAIN)] | Annotated[languages, Tag(BY_LANGUAGE)],
        Discriminator(_form),
        AfterValidator(_to_text),
        PlainSerializer(_dumped),
    ]


if TYPE_CHECKING:  # what the fields hold, whichever form the file used
    TitleText = Text
    DescriptionText = Text
else:
    #: A one-line title: text, or ``{en: ..., cy: ...}``.
    TitleText = _bilingual(_OneLine, TitleLanguages)
    #: A description that may run over lines: text, or ``{en: ..., cy: ...}``.
    DescriptionText = _bilingual(_Lines, DescriptionLanguages)
