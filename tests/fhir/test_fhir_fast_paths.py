"""The mapping's fast paths give what the plain definitions give.

The ids and identifiers of one patient are made by per-patient functions, the usual
narrative skips per-part cleaning, and repeating attack components are shared: each must
agree with the general code it stands in for, for any text.
"""

from __future__ import annotations

from html import escape

from hypothesis import given
from hypothesis import strategies as st

from fhirmig.fhir.context import NARRATIVE_LIMIT, Ctx, narrative, text
from fhirmig.fhir.ids import identifier, patient_identifiers, patient_ids, resource_id

_TEXT = st.text(max_size=120) | st.sampled_from(
    ["a/b", "50%", "x&y", "<b>", "\u00e9t\u00e9", "", " ", "\t", "a\x00b", "x" * 81]
)


@given(_TEXT.filter(bool), st.sampled_from(["attack", "symptom", "day"]), _TEXT)
def test_per_patient_ids_and_identifiers_equal_the_general_ones(
    patient: str, kind: str, record: str
) -> None:
    try:
        expected = resource_id(patient, kind, record)
    except UnicodeEncodeError:  # a lone surrogate: neither can name it
        return
    assert patient_ids(patient)(kind, record) == expected
    assert patient_identifiers(patient)(kind, record) == identifier(patient, kind, record)


def test_remembered_ids_are_the_computed_ones() -> None:
    ctx = Ctx("p-1")
    first = ctx.rid("attack", "a1")
    assert ctx.rid("attack", "a1") is first
    assert first == resource_id("p-1", "attack", "a1")
    assert ctx.ref("Medication", "medication", "m1") == {
        "reference": f"Medication/{resource_id('p-1', 'medication', 'm1')}"
    }


def _slow_narrative(*parts: str | None) -> dict[str, str]:
    """The narrative made part by part (cut, cleaned when not printable ASCII, escaped)."""
    shown = []
    for part in parts:
        if part:
            cut = part if len(part) <= NARRATIVE_LIMIT else part[: NARRATIVE_LIMIT - 1] + "\u2026"
            if not (cut.isascii() and cut.isprintable()):
                cut = text(cut)
            shown.append(escape(cut, quote=False))
    body = "; ".join(shown) or "(no details)"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


@given(st.lists(st.none() | _TEXT | st.text(min_size=79, max_size=90), max_size=5))
def test_the_usual_narrative_equals_the_part_by_part_one(parts: list[str | None]) -> None:
    assert narrative(*parts) == _slow_narrative(*parts)


def test_observation_equals_base_with_its_elements() -> None:
    for ctx in (Ctx("p"), Ctx("p", deidentified=True), Ctx("p", profile="us-core")):
        code = {"text": "x"}
        obs = ctx.observation("symptom", "a#0", [code], code)
        base = ctx.base("Observation", "symptom", "a#0")
        base.update(
            status="final",
            category=[code],
            code=code,
            subject=ctx.patient_ref,
            performer=[ctx.patient_ref],
        )
        assert obs == base
        assert list(obs) == list(base)
