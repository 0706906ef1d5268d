"""Catalogue helpers for the language tests: the template's messages, a pseudo-language,
and a scan of report text for fhirmig's own English sentences."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def messages_tool() -> ModuleType:
    """``scripts/messages.py``, the catalogue tool the build runs."""
    spec = importlib.util.spec_from_file_location(
        "fhirmig_messages_tool", ROOT / "scripts" / "messages.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def template_messages() -> list[Any]:
    """Every message of ``fhirmig/locale/fhirmig.pot`` (Babel ``Message`` objects)."""
    from babel.messages.pofile import read_po

    with (ROOT / "fhirmig" / "locale" / "fhirmig.pot").open("rb") as source:
        return [m for m in read_po(source) if m.id]


#: what a translation keeps as it is: placeholders, markup, links, the %% of templates
_KEEP = re.compile(r"\{[^{}]*\}|%\([^)]*\)s|%%|<[^>]*>|\[[^\]]*\]\([^)]*\)|\*\*|&\w+;")


def pseudo(text: str) -> str:
    """``text`` with the case of every letter swapped, placeholders and markup kept:
    ``Headache days`` -> ``hEADACHE DAYS``. No English sentence survives it."""
    out, position = [], 0
    for found in _KEEP.finditer(text):
        out.append(text[position : found.start()].swapcase())
        out.append(found.group())
        position = found.end()
    out.append(text[position:].swapcase())
    return "".join(out)


def pseudo_cjk(text: str) -> str:
    """:func:`pseudo` with ``頭痛`` before every piece of words: fhirmig's own text in
    CJK characters, as a Japanese catalogue gives it."""
    out, position = [], 0
    for found in _KEEP.finditer(text):
        piece = text[position : found.start()]
        out.append(("頭痛" + piece.swapcase()) if piece.strip() else piece)
        out.append(found.group())
        position = found.end()
    rest = text[position:]
    out.append(("頭痛" + rest.swapcase()) if rest.strip() else rest)
    return "".join(out)


def write_pseudo_catalogue(
    folder: Path, language: str, transform: Callable[[str], str] | None = None
) -> Path:
    """A complete catalogue for ``language`` in ``folder`` whose every entry is
    ``transform`` (default :func:`pseudo`) of its id."""
    change = transform or pseudo
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale=language, domain="fhirmig")
    for m in template_messages():
        if isinstance(m.id, tuple):
            forms = catalog.num_plurals
            strings = tuple(
                pseudo(m.id[0] if i == 0 and forms > 1 else m.id[1]) for i in range(forms)
            )
            catalog.add(m.id, strings, context=m.context)
        else:
            catalog.add(m.id, change(m.id), context=m.context)
    path = folder / language / "LC_MESSAGES" / "fhirmig.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as out:
        write_po(out, catalog)
    # its ids without letters read the same in any language
    same = [
        f"{m.context}|{m.id}" if m.context else m.id
        for m in template_messages()
        if isinstance(m.id, str) and change(m.id) == m.id
    ]
    (folder / language / "identical.txt").write_text("\n".join(same) + "\n", encoding="utf-8")
    return path


@contextmanager
def pseudo_language(
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    language: str = "eo",
    transform: Callable[[str], str] | None = None,
) -> Iterator[str]:
    """Ship a pseudo-translated ``language`` (from ``folder``) while the block runs."""
    from fhirmig.report import i18n

    write_pseudo_catalogue(folder, language, transform)
    monkeypatch.setattr(i18n, "LOCALE_DIR", folder)
    i18n.shipped_languages.cache_clear()
    i18n.translations.cache_clear()
    try:
        yield language
    finally:
        monkeypatch.undo()
        i18n.shipped_languages.cache_clear()
        i18n.translations.cache_clear()


_PLACE = re.compile(r"\{[^{}]*\}|%\([^)]*\)s|<[^>]*>|\*\*|\[[^\]]*\]\([^)]*\)")


def english_fragments(messages: list[Any], allowed: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """The pieces of fhirmig's English sentences between placeholders and markup that are
    long enough to mean something (three words or more), for a scan of report text."""
    out: set[str] = set()
    for m in messages:
        ident = m.id if isinstance(m.id, tuple) else (m.id,)
        key = f"{m.context}\x04{ident[0]}" if m.context else ident[0]
        if key in allowed:
            continue
        for text in ident:
            for piece in _PLACE.split(text.replace("%%", "%")):
                piece = " ".join(piece.split()).strip(" .,;:()")
                if len(piece.split()) >= 3 and len(piece) >= 15:
                    out.add(piece)
    return out


def flat(text: str) -> str:
    """Extracted PDF text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())
