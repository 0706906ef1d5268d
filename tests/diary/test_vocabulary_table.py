"""The vocabulary table (fhirmig/diary/vocabulary.csv) is the one place a key is declared.

Everything that lists keys derives from it: the model's closed choices, the JSON Schema,
the terminology's local codes, the test generators and the lists of docs/diary-format.md.
No module of the package (or of the shared test generators) writes a list of keys of its
own: a literal list, tuple or set holding three or more keys of one kind fails here.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path
from typing import get_args

import pytest

from fhirmig.diary import diary_json_schema
from fhirmig.diary import vocabulary as v
from fhirmig.diary.model import Attack, Condition, Intake, Medication, ReliefUse, Treatment
from fhirmig.fhir.ids import CODE_SYSTEM
from fhirmig.fhir.terminology import UNCODED_KINDS, load_table, terms

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "fhirmig" / "diary" / "vocabulary.csv"


def _literal(model: type, name: str) -> tuple[str, ...]:
    annotation = model.model_fields[name].annotation  # type: ignore[attr-defined]
    out: list[str] = []

    def walk(tp: object) -> None:
        for arg in get_args(tp):
            if isinstance(arg, str):
                out.append(arg)
            else:
                walk(arg)

    walk(annotation)
    return tuple(out)


def test_the_table_is_well_formed() -> None:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["kind", "key", "label", "ichd_class"]
    assert len(rows) == len(v.entries()) > 100
    seen = set()
    for row in rows:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["key"]), row
        assert row["label"] and row["label"] == row["label"].strip(), row
        assert row["label"][0].isupper(), row  # sentence case; label() lowers it
        assert (row["kind"], row["key"]) not in seen
        seen.add((row["kind"], row["key"]))
    assert v.english("trigger", "lack-of-sleep") == "Lack of sleep"
    assert v.label("lack-of-sleep") == "lack of sleep"
    assert v.label("nsaid") == "NSAID"
    assert v.label("red wine") == "red wine"
    with pytest.raises(KeyError):
        v.english("trigger", "red wine")


def test_the_public_lists_are_the_tables() -> None:
    assert v.SYMPTOMS == v.keys("symptom") and "nausea" in v.SYMPTOMS
    assert v.BODY_SITES[0] == "head" and "left-temple" in v.BODY_SITES
    assert v.EFFECTS == ("none", "some", "good", "complete")
    assert set(v.VOCABULARIES) <= set(v.KINDS)
    assert v.ICHD_CLASS_OF["nsaid"] == "non_opioid_analgesic"
    assert v.ACUTE_CLASSES == {
        "triptan", "ergot", "opioid", "combination-analgesic", "simple-analgesic", "nsaid",
        "gepant", "ditan",
    }  # fmt: skip
    assert get_args(v.Effect) == v.EFFECTS


@pytest.mark.parametrize(
    ("model", "field", "kind"),
    [
        (Attack, "kind", "attack-kind"),
        (Attack, "disability", "disability"),
        (Condition, "code", "condition"),
        (Medication, "drug_class", "drug-class"),
        (Treatment, "type", "treatment-type"),
        (Intake, "relief", "effect"),
        (ReliefUse, "effect", "effect"),
    ],
)
def test_the_models_closed_choices_are_the_tables(model: type, field: str, kind: str) -> None:
    assert _literal(model, field) == v.keys(kind)


def test_the_json_schema_enums_are_the_tables() -> None:
    defs = diary_json_schema()["$defs"]
    assert defs["Attack"]["properties"]["kind"]["enum"] == list(v.keys("attack-kind"))
    assert defs["Medication"]["properties"]["class"]["enum"] == list(v.keys("drug-class"))
    assert defs["Treatment"]["properties"]["type"]["enum"] == list(v.keys("treatment-type"))


def test_every_coded_key_has_its_local_code_with_the_tables_label() -> None:
    for e in v.entries():
        if e.kind in UNCODED_KINDS:
            assert not terms(e.kind, e.key)
            continue
        first = terms(e.kind, e.key)[0]
        assert (first.system, first.code, first.display) == (
            CODE_SYSTEM,
            f"{e.kind}.{e.key}",
            e.label,
        )


def test_terminology_rows_of_a_vocabulary_name_a_key_of_the_table() -> None:
    """A code row for a key the table does not have (a typo, a removed key) is caught."""
    with (ROOT / "fhirmig" / "fhir" / "terminology.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    table = {(e.kind, e.key) for e in v.entries()}
    for row in rows:
        if row["vocabulary"] in v.KINDS:
            assert (row["vocabulary"], row["key"]) in table, row
            assert row["system"] != CODE_SYSTEM, f"{row}: local codes come from the table"
    assert len(load_table()) == len(rows) + sum(
        1 for e in v.entries() if e.kind not in UNCODED_KINDS
    )


def _docs_list(page: str, title: str) -> list[str]:
    match = re.search(rf"^- {re.escape(title)}[^:]*:(.*?)(?=^- |^#|\Z)", page, re.M | re.S)
    assert match, title
    return re.findall(r"`([a-z0-9-]+)`", match.group(1))


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Body sites", "body-site"),
        ("Pain qualities", "pain-quality"),
        ("Symptoms", "symptom"),
        ("Triggers", "trigger"),
        ("Relief methods", "relief-method"),
    ],
)
def test_the_format_page_lists_the_tables_keys(title: str, kind: str) -> None:
    page = (ROOT / "docs" / "diary-format.md").read_text("utf-8")
    assert _docs_list(page, title) == list(v.keys(kind)), f"docs/diary-format.md: {title}"


def test_the_format_page_lists_the_closed_choices() -> None:
    page = (ROOT / "docs" / "diary-format.md").read_text("utf-8")
    conditions = re.search(r"Condition keys:(.*?)\n\n", page, re.S)
    assert conditions
    assert re.findall(r"`([a-z0-9-]+)`", conditions.group(1)) == list(v.keys("condition"))
    for name, kind in (
        ("`kind`", "attack-kind"),
        ("`disability`", "disability"),
        ("`class`", "drug-class"),
        ("`type`", "treatment-type"),
    ):
        found = re.search(re.escape(name) + r"[^|]*?([a-z0-9-]+(?:\s*\|\s*[a-z0-9-]+)+)", page)
        assert found, name
        listed = [w.strip() for w in found.group(1).split("|")]
        assert listed == list(v.keys(kind)), name


# -- no module writes its own list of keys --------------------------------------------------

_GENERATORS = [
    ROOT / "tests" / "diary" / "strategies.py",
    ROOT / "tests" / "fhir" / "fhir_strategies.py",
]
_SOURCES = [*sorted((ROOT / "fhirmig").rglob("*.py")), *_GENERATORS]
_ALLOWED = {ROOT / "fhirmig" / "diary" / "vocabulary.py"}


def _strings(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Tuple):  # (key, words) pairs
        return {s for elt in node.elts for s in _strings(elt)}
    return set()


def _key_lists(path: Path, subset: int | None = None) -> list[tuple[int, str, int]]:
    """Literal lists, tuples, sets, dict keys and ``Literal[...]`` holding every key of a
    kind (a copy of the vocabulary), or ``subset`` keys or more of one kind."""
    by_kind: dict[str, set[str]] = {}
    for e in v.entries():
        by_kind.setdefault(e.kind, set()).add(e.key)
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        items: list[ast.expr] = []
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple):
            items = list(node.slice.elts)  # Literal["a", "b", ...]
        words = {s for item in items for s in _strings(item)}
        for kind, kind_keys in by_kind.items():
            hits = len(words & kind_keys)
            if hits == len(kind_keys) or (subset is not None and hits >= subset):
                found.append((node.lineno, kind, hits))
    return found


def test_no_module_hard_codes_a_list_of_keys() -> None:
    """No module copies a whole vocabulary; the test generators draw every key from the
    table (a subset rule, such as the classes a triptan outranks, may name a few keys)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {n} {kind} keys"
        for path in _SOURCES
        if path not in _ALLOWED
        for line, kind, n in _key_lists(path, 3 if path in _GENERATORS else None)
    ]
    assert not offenders, "use fhirmig.diary.vocabulary instead:\n" + "\n".join(offenders)


def test_the_scan_finds_a_hard_coded_list(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text(
        'LEVELS = ("none", "mild", "moderate", "severe")\n'
        'PAIRS = (("none", "none"), ("some", "some"), ("good", "good"), ("complete", "x"))\n'
        'X = ("nausea", "vomiting", "fatigue")\n'
    )
    assert _key_lists(sample) == [(1, "disability", 4), (2, "effect", 4)]
    assert (3, "symptom", 3) in _key_lists(sample, 3)
