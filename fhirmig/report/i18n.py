"""The report's language: message catalogues (gettext, Babel) and CLDR formatting.

Every word fhirmig writes into a report comes from a gettext catalogue: the English text is
the message id, and ``fhirmig/locale/<lang>/LC_MESSAGES/fhirmig.po`` holds its translation
(``fhirmig/locale/fhirmig.pot`` is the template all of them are made from; see
docs/howto-language.md). A missing, fuzzy or malformed translation in a shipped catalogue
fails the build (``setup.py`` runs ``scripts/messages.py check``, then compiles each
``.po`` to the ``.mo`` beside it) and the tests. A catalogue is read once per process: the
built ``.mo`` in an installed wheel, else (a source checkout) the ``.po`` compiled in
memory with Babel.

The language is set for one rendering with :func:`use_language` (a context variable, so
two reports in two threads do not mix); the functions :func:`_`, :func:`ngettext`,
:func:`pgettext` and :func:`npgettext` translate in the current language, and
:func:`fmt_date`, :func:`fmt_month`, :func:`fmt_decimal`, :func:`fmt_percent` format by
the locale's CLDR rules. English keeps ISO 8601 dates (``2026-08-01``), readable the same in
every English-speaking country.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from fhirmig.errors import ReportError, UsageError

if TYPE_CHECKING:
    from babel.support import NullTranslations

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LOCALE_DIR",
    "N_",
    "_",
    "catalogue_path",
    "current_language",
    "fmt_date",
    "fmt_decimal",
    "fmt_int",
    "fmt_month",
    "fmt_partial_date",
    "fmt_percent",
    "joined",
    "language_name",
    "list_text",
    "ngettext",
    "npgettext",
    "pgettext",
    "qualified",
    "region_name",
    "resolve_language",
    "shipped_languages",
    "template_gettext",
    "translations",
    "use_language",
    "vocabulary_name",
]

#: The source language of the catalogues: its text is the message ids themselves.
DEFAULT_LANGUAGE = "en"
#: The gettext domain of fhirmig's catalogues.
DOMAIN = "fhirmig"
#: Where the catalogues live, inside the package (installed with it).
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_LANGUAGE: ContextVar[str] = ContextVar("fhirmig_report_language", default=DEFAULT_LANGUAGE)
_TAG = re.compile(r"[A-Za-z]{2,3}")


def catalogue_path(language: str) -> Path:
    """The ``.po`` file of ``language`` (which may not exist)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def shipped_languages() -> tuple[str, ...]:
    """The languages a report can be written in: English and every catalogue shipped."""
    found = {DEFAULT_LANGUAGE}
    if LOCALE_DIR.is_dir():
        found |= {p.name for p in LOCALE_DIR.iterdir() if catalogue_path(p.name).is_file()}
    return tuple(sorted(found))


def resolve_language(requested: str | None, diary_language: str | None = None) -> str:
    """The catalogue language for a report.

    ``requested`` (``--language``) must be a shipped language (a region such as ``de-AT``
    is accepted and uses ``de``); else the diary's ``patient.language`` when one is
    shipped, else English.
    """
    languages = shipped_languages()
    if requested is not None:
        base = _base(requested)
        if base not in languages:
            raise UsageError(
                "{language} "
                + f"{requested!r}: no report catalogue for it; choose one of "
                + ", ".join(languages),
                params=("language",),
            )
        return base
    base = _base(diary_language or "")
    return base if base in languages else DEFAULT_LANGUAGE


def _base(tag: str) -> str:
    first = tag.strip().replace("_", "-").split("-", 1)[0]
    return first.lower() if _TAG.fullmatch(first) else ""


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English: none, the ids are the text)."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    path = catalogue_path(language)
    built = path.with_suffix(".mo")  # compiled from the checked .po when the wheel was built
    try:
        if built.is_file():
            with built.open("rb") as source:
                return Translations(source, domain=DOMAIN)
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, domain=DOMAIN)
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot read the message catalogue ({exc})") from exc
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry never reaches a report
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@contextmanager
def use_language(language: str) -> Iterator[str]:
    """Translate and format in ``language`` inside the ``with`` block."""
    translations(language)  # an unreadable catalogue fails before anything is laid out
    token = _LANGUAGE.set(language)
    try:
        yield language
    finally:
        _LANGUAGE.reset(token)


def current_language() -> str:
    """The language reports are being written in (English outside :func:`use_language`)."""
    return _LANGUAGE.get()


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(_LANGUAGE.get()).gettext(message)


def template_gettext(message: str) -> str:
    """:func:`_` for the templates' ``{% trans %}`` blocks.

    jinja2 hands a block to gettext with ``%`` doubled, while its extractor writes a block
    without variables to the catalogue with single ``%``; such a block is looked up as
    extracted, and its translation doubled again for jinja2's ``%`` formatting.
    """
    found = _(message)
    if found is message and "%%" in message:
        single = message.replace("%%", "%")
        translated = _(single)
        if translated is not single:
            return translated.replace("%", "%%")
    return found


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translated where used)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of ``singular``/``plural`` for ``count`` in the current language."""
    return translations(_LANGUAGE.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same words elsewhere."""
    return str(translations(_LANGUAGE.get()).pgettext(context, message))


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    """:func:`ngettext` with a context (the same noun in another grammatical role)."""
    return str(translations(_LANGUAGE.get()).npgettext(context, singular, plural, count))


def vocabulary_name(key: str, table: str | None = None) -> str:
    """A vocabulary key's display name in the current language; free text unchanged.

    The names live in the catalogues under the context of the key's kind in the
    vocabulary table (``trigger``, ``body-site``, ...: ``table``, else the first list
    vocabulary holding the key); the English is the table's label as it runs in a
    sentence (:func:`fhirmig.diary.vocabulary.label`).
    """
    from fhirmig.diary.vocabulary import VOCABULARIES, english

    kind = table if table is not None and (table, key) in _KNOWN else None
    if kind is None:
        kind = next((k for k, keys in VOCABULARIES.items() if key in keys), None)
    if kind is None:
        return key
    return pgettext(kind, running_text(english(kind, key)))


def running_text(label: str) -> str:
    """A vocabulary label as it runs in a sentence: ``Lack of sleep`` -> ``lack of sleep``."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _known() -> frozenset[tuple[str, str]]:
    from fhirmig.diary.vocabulary import entries

    return frozenset((e.kind, e.key) for e in entries())


_KNOWN = _known()


def _locale() -> str:
    return _LANGUAGE.get()


def fmt_date(day: date | None, missing: str = "–") -> str:
    """A date by the locale's CLDR rules (English: ISO 8601), ``missing`` when None."""
    if day is None:
        return missing
    language = _locale()
    if language == DEFAULT_LANGUAGE:
        return day.isoformat()
    return _formatted(day, "yyyyMMdd", language)


def fmt_month(month: str) -> str:
    """A ``YYYY-MM`` month by the locale's CLDR rules (English: unchanged)."""
    language = _locale()
    if language == DEFAULT_LANGUAGE or not re.fullmatch(r"\d{4}-\d{2}", month):
        return month
    return _formatted(date(int(month[:4]), int(month[5:]), 1), "yMM", language)


def fmt_partial_date(value: str) -> str:
    """A diary's partial date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, as a diagnosis's
    onset is given) by the locale's CLDR rules; a year stays a year (English: unchanged)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return fmt_date(date.fromisoformat(value))
    return fmt_month(value)


def fmt_month_name(year: int, month: int) -> str:
    """``August 2026`` in the current language (CLDR)."""
    return _formatted(date(year, month, 1), "yMMMM", _locale())


@lru_cache(maxsize=4096)
def _formatted(day: date, skeleton: str, language: str) -> str:
    """``day`` in the CLDR pattern that best fits ``skeleton`` in ``language`` (a report
    writes the same few hundred days many times; finding the pattern is the slow part)."""
    from babel.dates import format_date

    return str(format_date(day, _pattern(skeleton, language), locale=language))


@cache
def _pattern(skeleton: str, language: str) -> str:
    from babel import Locale
    from babel.dates import match_skeleton

    locale = Locale.parse(language)
    found = skeleton if skeleton in locale.datetime_skeletons else None
    found = found or match_skeleton(skeleton, locale.datetime_skeletons) or skeleton
    return str(locale.datetime_skeletons[found])


def weekday_letters() -> tuple[str, ...]:
    """The narrow weekday names, Monday first (``M T W T F S S`` in English)."""
    from babel.dates import get_day_names

    names = get_day_names("narrow", locale=_locale())
    return tuple(str(names[i]) for i in range(7))


def fmt_decimal(value: float | None, digits: int = 1, missing: str = "–") -> str:
    """``value`` rounded to ``digits`` decimals (rounded exactly as Python's ``f"{:.1f}"``),
    written with the locale's decimal sign."""
    if value is None:
        return missing
    text = f"{value:.{digits}f}"
    language = _locale()
    if language == DEFAULT_LANGUAGE:
        return text
    from babel.numbers import format_decimal

    pattern = "0." + "0" * digits if digits else "0"
    return str(format_decimal(Decimal(text), format=pattern, locale=language))


def fmt_int(value: int) -> str:
    """A count (no grouping: counts in a diary report are small and read as figures)."""
    return str(value)


def fmt_percent(share: float | None, missing: str = "–") -> str:
    """A share as a whole percentage by the locale's rules (``87%``, ``87 %``)."""
    if share is None:
        return missing
    text = f"{share:.0%}"
    language = _locale()
    if language == DEFAULT_LANGUAGE:
        return text
    from babel.numbers import format_percent

    return str(format_percent(Decimal(text[:-1]) / 100, locale=language))


def language_name(code: str) -> str:
    """A language's name in the current language (CLDR): ``de`` -> ``German`` or, in a
    German report, ``Deutsch``; the code itself when CLDR does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(_locale())
    except (ValueError, UnknownLocaleError):
        return code
    return str(name) if name else code


def region_name(code: str, english: str) -> str:
    """A country's name in the current language (CLDR territory names); in English the
    name ``english`` fhirmig's country table gives it."""
    language = _locale()
    if language == DEFAULT_LANGUAGE:
        return english
    from babel import Locale

    return str(Locale.parse(language).territories.get(code.upper(), english))


def joined(items: Iterable[str], *, comma: bool = False) -> str:
    """``items`` as one list in the current language's punctuation.

    Items that are phrases (which may hold commas themselves) are separated as ``a; b``
    (French ``a ; b`` with a no-break space, Japanese ``a、b``); with ``comma``, short
    items as ``a, b`` (Japanese ``a、b``). The separators are catalogue entries: CLDR's
    list patterns end in "and"/"or" and have no semicolon form.
    """
    if comma:
        # Translators: between the short items of a list (dates, words): "a, b, c".
        separator = pgettext("list separator", ", ")
    else:
        # Translators: between the items of a list whose items are phrases and may hold
        # commas: "a; b; c". Keep the spaces of your typography (French: no-break space).
        separator = pgettext("list separator", "; ")
    return separator.join(items)


def qualified(name: str, details: str) -> str:
    """``name (details)``, in the parentheses of the current language (Japanese ``（）``)."""
    # Translators: a name and what qualifies it: "Chronic migraine (confirmed, since 2021)".
    return _("{name} ({details})").format(name=name, details=details)


def list_text(items: list[str]) -> str:
    """``a, b and c`` in the current language (CLDR list patterns)."""
    if len(items) <= 1:
        return "".join(items)
    language = _locale()
    if language == DEFAULT_LANGUAGE:
        return ", ".join(items[:-1]) + " and " + items[-1]
    from babel.lists import format_list

    return str(format_list(items, locale=language))
