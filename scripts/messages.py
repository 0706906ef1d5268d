"""The report's message catalogues: extract, update, init, check and compile.

    python scripts/messages.py extract          # sources -> fhirmig/locale/fhirmig.pot
    python scripts/messages.py update           # the .pot -> every fhirmig/locale/<lang>/...po
    python scripts/messages.py init LANG        # a new catalogue for LANG from the .pot
    python scripts/messages.py check            # .pot current, every catalogue complete
    python scripts/messages.py compile OUTDIR   # .po -> .mo under OUTDIR/fhirmig/locale

The sources are every ``fhirmig/report/*.py`` (calls of ``_``, ``N_``, ``ngettext``,
``pgettext``, ``npgettext``), the report templates ``templates/*.j2`` (``{% trans %}``
blocks) and the vocabulary table ``fhirmig/diary/vocabulary.csv`` (one entry per key, its
kind as the context, its English label as it runs in a sentence as the id).

``check`` fails (exit 1) when the template is out of date or a shipped catalogue has a
missing, fuzzy, malformed or obsolete entry, or a translation equal to its English id that
is not on the language's reviewed list (``fhirmig/locale/<lang>/identical.txt``).
``setup.py`` runs the check and the compilation when a wheel is built, so that no
incomplete language ships.

This file uses only Babel, jinja2 and the standard library (it runs at build time, before
fhirmig's dependencies are installed) and is imported by ``setup.py`` and the tests.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "fhirmig" / "locale"
POT = LOCALE / "fhirmig.pot"
DOMAIN = "fhirmig"
#: the fixed creation date of the template, so that it changes only when its messages do
CREATED = datetime(2026, 12, 1, tzinfo=UTC)
KEYWORDS = {
    "_": None,
    "gettext": None,  # what the templates' {% trans %} blocks extract as
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
IDENTICAL_FILE = "identical.txt"


def _sources() -> Iterator[tuple[Path, str]]:
    for path in sorted((ROOT / "fhirmig" / "report").glob("*.py")):
        yield path, "python"
    for path in sorted((ROOT / "templates").glob("*.j2")):
        yield path, "jinja2"


def running_text(label: str) -> str:
    """A vocabulary label as it runs in a sentence: ``Lack of sleep`` -> ``lack of sleep``,
    acronyms kept (``NSAID``); the rule of :func:`fhirmig.diary.vocabulary.label`."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def vocabulary_rows() -> list[tuple[str, str, str]]:
    """(kind, key, English label) of every row of ``fhirmig/diary/vocabulary.csv``."""
    import csv

    path = ROOT / "fhirmig" / "diary" / "vocabulary.csv"
    with path.open(encoding="utf-8", newline="") as source:
        return [(row["kind"], row["key"], row["label"]) for row in csv.DictReader(source)]


def _set_format_flag(message: Any) -> None:
    """Flag how an entry is formatted: ``python-brace-format`` for the report modules'
    ``{name}`` strings, ``python-format`` only for a template entry with ``%(name)s``
    (Babel would take the ``% i`` of ``95% interval`` for a placeholder)."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    message.flags.discard("python-format")
    if any("%(" in text for text in ids):
        message.flags.add("python-format")
    elif any("{" in text for text in ids):
        message.flags.add("python-brace-format")


def build_template() -> Any:
    """The catalogue template made from the sources now (a Babel ``Catalog``)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalog = Catalog(
        domain=DOMAIN,
        project="fhirmig",
        version="report",
        copyright_holder="The fhirmig contributors",
        msgid_bugs_address="https://fhirmig.org",
        creation_date=CREATED,
        revision_date=CREATED,
        fuzzy=False,
    )
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    for path, method in _sources():
        relative = path.relative_to(ROOT).as_posix()
        found = extract_from_file(
            method,
            str(path),
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            options=options if method == "jinja2" else {},
            strip_comment_tags=True,
        )
        for lineno, message, comments, context in found:
            catalog.add(
                message, None, [(relative, lineno)], auto_comments=comments, context=context
            )
    for kind, key, label in vocabulary_rows():
        catalog.add(
            running_text(label),
            None,
            [("fhirmig/diary/vocabulary.csv", 0)],
            auto_comments=[f"vocabulary {kind}: {key}"],
            context=kind,
        )
    return catalog


def _write_po(catalog: Any) -> bytes:
    from babel.messages.pofile import write_po

    for message in catalog:
        if message.id:
            _set_format_flag(message)
    out = BytesIO()
    write_po(
        out,
        catalog,
        width=100,
        include_lineno=False,
        omit_header=False,
        sort_output=False,
        ignore_obsolete=True,
    )
    # the same messages give the same file, whichever Babel version wrote it
    lines = out.getvalue().split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith(b'"Generated-By: '))


def _read_po(path: Path, language: str | None = None) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


def languages() -> list[str]:
    """The shipped catalogues' languages."""
    return sorted(
        p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Path:
    LOCALE.mkdir(parents=True, exist_ok=True)
    POT.write_bytes(_write_po(build_template()))
    return POT


def update() -> list[Path]:
    template = _read_po(POT)
    done = []
    for language in languages():
        path = po_path(language)
        catalog = _read_po(path, language)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        catalog.obsolete.clear()
        path.write_bytes(_write_po(catalog))
        done.append(path)
    return done


def init(language: str) -> Path:
    from babel.core import Locale

    Locale.parse(language)  # an unknown language fails here
    path = po_path(language)
    if path.exists():
        raise SystemExit(f"{path}: exists; run update instead")
    template = _read_po(POT)
    template.locale = Locale.parse(language)
    template.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_write_po(template))
    (path.parent.parent / IDENTICAL_FILE).touch()
    return path


def _key(message: Any) -> str:
    ident = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{ident}" if message.context else ident


def identical_allowed(language: str) -> set[str]:
    """The reviewed ids whose translation may equal the English (names, codes, numbers).

    One per line in ``identical.txt``: ``context|id`` or just ``id``; ``#`` starts a
    comment line.
    """
    path = LOCALE / language / IDENTICAL_FILE
    if not path.is_file():
        return set()
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        context, bar, ident = line.partition("|")
        out.add(f"{context}\x04{ident}" if bar else line)
    return out


def _fields(*texts: str) -> set[str]:
    """The ``{name}`` placeholders of format strings (``None`` when one is malformed)."""
    from string import Formatter

    out: set[str] = set()
    for text in texts:
        try:
            out |= {name for _, name, _, _ in Formatter().parse(text) if name is not None}
        except ValueError:
            out.add("<malformed braces>")
    return out


def problems(language: str) -> list[str]:
    """What keeps ``language``'s catalogue from shipping (empty when it is complete)."""
    path = po_path(language)
    rel = path.relative_to(ROOT)
    template = _read_po(POT)
    catalog = _read_po(path, language)
    for message in catalog:
        if message.id:
            _set_format_flag(message)
    found: list[str] = []
    wanted = {_key(m) for m in template if m.id}
    have = {_key(m): m for m in catalog if m.id}
    allowed = identical_allowed(language)
    for key in sorted(wanted - set(have)):
        found.append(f"{rel}: missing {key.replace(chr(4), ' | ')!r} (run update)")
    for key in sorted(set(have) - wanted):
        found.append(f"{rel}: {key.replace(chr(4), ' | ')!r} is not in the template (run update)")
    for key, message in have.items():
        if key not in wanted:
            continue
        shown = key.replace(chr(4), " | ")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"{rel}: fuzzy translation of {shown!r}")
        elif not all(strings):
            found.append(f"{rel}: no translation of {shown!r}")
        else:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            if any(s in ids for s in strings) and key not in allowed:
                found.append(
                    f"{rel}: the translation of {shown!r} is the English text; translate it, "
                    f"or list it in {IDENTICAL_FILE} after review"
                )
            wanted_fields = _fields(*ids)
            for text in strings:
                if _fields(text) != wanted_fields:
                    found.append(
                        f"{rel}: {shown!r}: the translation must use exactly the placeholders "
                        f"{sorted(wanted_fields)}, it has {sorted(_fields(text))}"
                    )
    for message, errors in catalog.check():
        for error in errors:
            found.append(f"{rel}: {_key(message).replace(chr(4), ' | ')!r}: {error}")
    if catalog.obsolete:
        found.append(f"{rel}: {len(catalog.obsolete)} obsolete entries (run update)")
    return found


def check() -> list[str]:
    """Every problem of the template and the shipped catalogues."""
    found = []
    current = _write_po(build_template())
    if not POT.is_file() or POT.read_bytes() != current:
        found.append(f"{POT.relative_to(ROOT)}: out of date with the sources (run extract)")
    for language in languages():
        found += problems(language)
    return found


def compile_to(outdir: Path) -> list[Path]:
    """Compile every shipped catalogue to ``OUTDIR/fhirmig/locale/<lang>/LC_MESSAGES``."""
    from babel.messages.mofile import write_mo

    done = []
    for language in languages():
        catalog = _read_po(po_path(language), language)
        target = outdir / "fhirmig" / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        out = BytesIO()
        write_mo(out, catalog, use_fuzzy=False)
        target.write_bytes(out.getvalue())
        done.append(target)
    return done


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        description="The report's message catalogues (fhirmig/locale).",
        epilog="See docs/howto-language.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="the sources -> fhirmig/locale/fhirmig.pot")
    commands.add_parser("update", help="the .pot -> every shipped catalogue")
    init_parser = commands.add_parser("init", help="a new catalogue from the .pot")
    init_parser.add_argument("language", help="a language code, e.g. it or nl")
    commands.add_parser("check", help="the .pot current, every catalogue complete")
    compile_parser = commands.add_parser("compile", help="each .po -> .mo under OUTDIR")
    compile_parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "extract":
        print(extract().relative_to(ROOT))
    elif args.command == "update":
        for path in update():
            print(path.relative_to(ROOT))
    elif args.command == "init":
        print(init(args.language).relative_to(ROOT))
    elif args.command == "check":
        found = check()
        for line in found:
            print(line, file=sys.stderr)
        if found:
            return 1
        print(f"catalogues complete: {', '.join(languages()) or 'English only'}")
    else:
        for path in compile_to(args.outdir):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
