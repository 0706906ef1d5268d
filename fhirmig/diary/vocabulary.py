"""The vocabulary keys of the diary format, grouped by what they describe.

These are the keys of ``fhirmig-diary/1``. A list entry that is not a key is free text and
stays free text: it is never given a code. Codes for the keys live in the terminology
table of :mod:`fhirmig.fhir`; a test checks that every key here has a row there.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "ACUTE_CLASSES",
    "BODY_SITES",
    "CONDITION_KEYS",
    "DRUG_CLASSES",
    "ICHD_CLASS_OF",
    "PAIN_QUALITIES",
    "RELIEF_METHODS",
    "SYMPTOMS",
    "TREATMENT_TYPES",
    "TRIGGERS",
    "VOCABULARIES",
    "Effect",
    "label",
]

BODY_SITES: Final = (
    "head", "forehead", "left-temple", "right-temple", "temples", "behind-left-eye",
    "behind-right-eye", "behind-eyes", "left-eyelid", "right-eyelid", "eyelid", "face",
    "left-face", "right-face", "jaw", "occiput", "neck", "left-shoulder", "right-shoulder",
    "shoulders", "upper-back", "arm", "hand", "leg",
)  # fmt: skip

PAIN_QUALITIES: Final = (
    "throbbing", "pulsating", "pressing", "tightening", "stabbing", "burning", "dull",
)  # fmt: skip

SYMPTOMS: Final = (
    "nausea", "vomiting", "photophobia", "phonophobia", "osmophobia", "dizziness", "vertigo",
    "fatigue", "neck-pain", "allodynia", "blurred-vision", "visual-aura", "sensory-aura",
    "speech-disturbance", "brain-fog", "muscle-twitching",
)  # fmt: skip

TRIGGERS: Final = (
    "stress", "lack-of-sleep", "oversleeping", "caffeine", "caffeine-withdrawal",
    "artificial-additives", "alcohol", "skipped-meal", "dehydration", "weather-change",
    "bright-light", "screen-time", "strong-smell", "noise", "menstruation",
    "physical-exertion", "travel", "chocolate", "cheese",
)  # fmt: skip

RELIEF_METHODS: Final = (
    "rest", "sleep", "dark-room", "cold-compress", "hot-compress", "relaxation",
    "deep-breathing", "meditation", "massage", "acupressure", "stretching", "exercise",
    "hydration", "caffeine",
)  # fmt: skip

CONDITION_KEYS: Final = (
    "migraine", "migraine-without-aura", "migraine-with-aura", "chronic-migraine",
    "chronic-migraine-with-aura", "menstrual-migraine", "tension-type-headache",
    "medication-overuse-headache", "cluster-headache", "headache",
)  # fmt: skip

DRUG_CLASSES: Final = (
    "triptan", "ergot", "opioid", "combination-analgesic", "simple-analgesic", "nsaid",
    "gepant", "ditan", "antiemetic", "muscle-relaxant", "preventive", "botulinum-toxin",
    "supplement", "other",
)  # fmt: skip

TREATMENT_TYPES: Final = (
    "preventive-medication", "botulinum-toxin", "physical-therapy", "acupuncture", "massage",
    "chiropractic", "psychotherapy", "supplement", "other",
)  # fmt: skip

#: Drug classes whose intake makes an acute-medication day (clinical-metrics.md).
ACUTE_CLASSES: Final = frozenset(
    {"triptan", "ergot", "opioid", "combination-analgesic", "simple-analgesic", "nsaid",
     "gepant", "ditan"}
)  # fmt: skip

#: Diary drug class -> ICHD-3 8.2 class key of the stats contract.
ICHD_CLASS_OF: Final[dict[str, str]] = {
    "triptan": "triptan",
    "ergot": "ergot",
    "opioid": "opioid",
    "combination-analgesic": "combination_analgesic",
    "simple-analgesic": "non_opioid_analgesic",
    "nsaid": "non_opioid_analgesic",
    "gepant": "other_acute",
    "ditan": "other_acute",
}

#: Every vocabulary, by the name the terminology table uses for it.
VOCABULARIES: Final[dict[str, tuple[str, ...]]] = {
    "body-site": BODY_SITES,
    "pain-quality": PAIN_QUALITIES,
    "symptom": SYMPTOMS,
    "trigger": TRIGGERS,
    "relief-method": RELIEF_METHODS,
    "condition": CONDITION_KEYS,
    "drug-class": DRUG_CLASSES,
    "treatment-type": TREATMENT_TYPES,
}

Effect = Literal["none", "some", "good", "complete"]

_ALL_KEYS: Final = frozenset(key for keys in VOCABULARIES.values() for key in keys)


#: Keys whose words are not the key with spaces.
_WORDS: Final = {"nsaid": "NSAID"}


def label(text: str) -> str:
    """A vocabulary key in words (``lack-of-sleep`` -> ``lack of sleep``); free text unchanged."""
    if text not in _ALL_KEYS:
        return text
    return _WORDS.get(text) or text.replace("-", " ")
