"""How the FHIR mapping carries each field of the diary's field table, in both directions.

Every attack field of :data:`fhirmig.diary.fields.ATTACK_FIELDS` is named here once: most
are a component of the attack Observation (:data:`ATTACK_COMPONENTS`, which both
:mod:`fhirmig.fhir.attack` and :mod:`fhirmig.fhir.reverse` walk, so a component field
added here is written and read back with no other change); the rest have an element or
resource of their own (:data:`ATTACK_ELEMENTS`). A test fails when a field of the table
is in neither, and when one does not survive FHIR and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["ATTACK_COMPONENTS", "ATTACK_ELEMENTS", "Component", "ComponentValue"]

#: The ``value[x]`` of a component: ``integer``, ``boolean``, ``minutes`` (a Quantity in
#: UCUM ``min``), ``string``, ``concept`` (a key's CodeableConcept, or text only for free
#: text) and ``relief`` (a relief method's concept with its ``effect`` extension).
ComponentValue = Literal["integer", "boolean", "minutes", "string", "concept", "relief"]


@dataclass(frozen=True, slots=True)
class Component:
    """One attack field carried as component(s) of the attack Observation.

    ``code`` is the (vocabulary, key) of the component's code in the terminology table;
    ``vocabulary`` the kind whose concept a ``concept`` value is; ``closed`` reads the
    value back by its fhirmig code only (a closed choice, never free text). A list field
    gets one component per item, in order.
    """

    field: str
    code: tuple[str, str]
    value: ComponentValue
    vocabulary: str | None = None
    closed: bool = False


#: The attack fields carried as components, in the order the components are written.
ATTACK_COMPONENTS: Final[tuple[Component, ...]] = (
    Component("intensity", ("element", "pain-severity"), "integer"),
    Component("duration_minutes", ("element", "duration"), "minutes"),
    Component("aura", ("observation", "aura"), "boolean"),
    Component("pain_locations", ("observation", "pain-location"), "concept", "body-site"),
    Component("pain_qualities", ("element", "quality"), "concept", "pain-quality"),
    Component("triggers", ("element", "trigger"), "concept", "trigger"),
    Component("relief_methods", ("element", "relief"), "relief", "relief-method"),
    Component("disability", ("observation", "disability"), "concept", "disability", True),
    Component(
        "most_bothersome_symptom",
        ("observation", "most-bothersome-symptom"),
        "concept",
        "symptom",
    ),
    Component("premonitory_symptoms", ("observation", "premonitory-symptom"), "concept", "symptom"),
    Component("setting", ("observation", "setting"), "string"),
)

#: The attack fields with an element or resource of their own: field -> where it goes.
ATTACK_ELEMENTS: Final[dict[str, str]] = {
    "id": "identifier …/sid/attack",
    "start": "effectivePeriod.start",
    "end": "effectivePeriod.end (derived-from duration when computed)",
    "kind": "valueCodeableConcept (attack-kind)",
    "symptoms": "hasMember: one symptom Observation each",
    "twitching": "hasMember: one twitch Observation each",
    "medications": "one MedicationStatement each, reasonReference the attack",
    "notes": "note[0].text",
    "extra": "extension extra (valueString, JSON)",
}
