"""Migraine Buddy's words mapped to diary vocabulary keys, as data.

Every table maps the app's word (compared case-insensitively, ignoring punctuation and
extra spaces) to a key of :mod:`fhirmig.diary.vocabulary`. A word that is in no table is
kept as free text in the diary, never dropped and never given an invented code. Adding a
word here is the whole of teaching the importer a new app word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

__all__ = [
    "ACTIVITY_DISABILITY",
    "AURA_SYMPTOMS",
    "AURA_WORDS",
    "BODY_SITES",
    "EFFECTS",
    "PAIN_QUALITIES",
    "RELIEF_METHODS",
    "SYMPTOMS",
    "TRIGGERS",
    "normal_word",
]


@lru_cache(maxsize=8192)
def normal_word(text: str) -> str:
    """The form words are compared in: lower case, letters and digits, single spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


TRIGGERS: Final[dict[str, str]] = {
    "stress": "stress",
    "anxiety": "stress",
    "lack of sleep": "lack-of-sleep",
    "not enough sleep": "lack-of-sleep",
    "poor sleep": "lack-of-sleep",
    "irregular sleep": "lack-of-sleep",
    "too little sleep": "lack-of-sleep",
    "too much sleep": "oversleeping",
    "oversleeping": "oversleeping",
    "overslept": "oversleeping",
    "caffeine": "caffeine",
    "coffee": "caffeine",
    "caffeine withdrawal": "caffeine-withdrawal",
    "no caffeine": "caffeine-withdrawal",
    "alcohol": "alcohol",
    "skipped meal": "skipped-meal",
    "skipped meals": "skipped-meal",
    "missed meal": "skipped-meal",
    "irregular meals": "skipped-meal",
    "hunger": "skipped-meal",
    "dehydration": "dehydration",
    "not enough water": "dehydration",
    "weather": "weather-change",
    "weather change": "weather-change",
    "change in weather": "weather-change",
    "barometric pressure": "weather-change",
    "bright light": "bright-light",
    "bright lights": "bright-light",
    "sunlight": "bright-light",
    "screen time": "screen-time",
    "screen": "screen-time",
    "computer screen": "screen-time",
    "strong smell": "strong-smell",
    "strong smells": "strong-smell",
    "smells": "strong-smell",
    "perfume": "strong-smell",
    "noise": "noise",
    "loud noise": "noise",
    "menstruation": "menstruation",
    "period": "menstruation",
    "physical exertion": "physical-exertion",
    "physical activity": "physical-exertion",
    "exercise": "physical-exertion",
    "travel": "travel",
    "travelling": "travel",
    "traveling": "travel",
    "chocolate": "chocolate",
    "cheese": "cheese",
    "aged cheese": "cheese",
    "msg": "artificial-additives",
    "food additives": "artificial-additives",
    "artificial sweeteners": "artificial-additives",
    "aspartame": "artificial-additives",
}

SYMPTOMS: Final[dict[str, str]] = {
    "nausea": "nausea",
    "vomiting": "vomiting",
    "sensitivity to light": "photophobia",
    "light sensitivity": "photophobia",
    "sensitivity to noise": "phonophobia",
    "sensitivity to sound": "phonophobia",
    "noise sensitivity": "phonophobia",
    "sensitivity to smell": "osmophobia",
    "smell sensitivity": "osmophobia",
    "dizziness": "dizziness",
    "vertigo": "vertigo",
    "tiredness": "fatigue",
    "fatigue": "fatigue",
    "neck pain": "neck-pain",
    "stiff neck": "neck-pain",
    "allodynia": "allodynia",
    "blurred vision": "blurred-vision",
    "blurry vision": "blurred-vision",
    "visual aura": "visual-aura",
    "visual disturbances": "visual-aura",
    "numbness": "sensory-aura",
    "tingling": "sensory-aura",
    "pins and needles": "sensory-aura",
    "difficulty speaking": "speech-disturbance",
    "speech difficulty": "speech-disturbance",
    "brain fog": "brain-fog",
    "difficulty concentrating": "brain-fog",
    "confusion": "brain-fog",
    "muscle twitching": "muscle-twitching",
    "twitching": "muscle-twitching",
}

PAIN_QUALITIES: Final[dict[str, str]] = {
    "throbbing pain": "throbbing",
    "throbbing": "throbbing",
    "pulsating pain": "pulsating",
    "pulsating": "pulsating",
    "pounding pain": "throbbing",
    "pressing pain": "pressing",
    "pressure": "pressing",
    "pressure pain": "pressing",
    "tightening pain": "tightening",
    "tight band": "tightening",
    "stabbing pain": "stabbing",
    "sharp pain": "stabbing",
    "burning pain": "burning",
    "dull pain": "dull",
    "dull ache": "dull",
}

#: Symptom words that mean an aura; they also set the attack's ``aura`` to true.
AURA_WORDS: Final[dict[str, str]] = {
    "aura": "visual-aura",
    "auras": "visual-aura",
    "visual aura": "visual-aura",
    "visual disturbances": "visual-aura",
    "flashing lights": "visual-aura",
    "zigzag lines": "visual-aura",
    "blind spots": "visual-aura",
    "sensory aura": "sensory-aura",
}

BODY_SITES: Final[dict[str, str]] = {
    "left eye": "behind-left-eye",
    "right eye": "behind-right-eye",
    "behind left eye": "behind-left-eye",
    "behind right eye": "behind-right-eye",
    "both eyes": "behind-eyes",
    "behind eyes": "behind-eyes",
    "eyes": "behind-eyes",
    "left temple": "left-temple",
    "right temple": "right-temple",
    "both temples": "temples",
    "temples": "temples",
    "forehead": "forehead",
    "front head": "forehead",
    "whole head": "head",
    "all over": "head",
    "head": "head",
    "back of head": "occiput",
    "back head": "occiput",
    "occipital": "occiput",
    "neck": "neck",
    "jaw": "jaw",
    "face": "face",
    "left face": "left-face",
    "right face": "right-face",
    "left shoulder": "left-shoulder",
    "right shoulder": "right-shoulder",
    "shoulders": "shoulders",
    "upper back": "upper-back",
}

RELIEF_METHODS: Final[dict[str, str]] = {
    "rest": "rest",
    "lie down": "rest",
    "lying down": "rest",
    "sleep": "sleep",
    "nap": "sleep",
    "dark room": "dark-room",
    "darkness": "dark-room",
    "dark and quiet room": "dark-room",
    "cold compress": "cold-compress",
    "ice pack": "cold-compress",
    "cold pack": "cold-compress",
    "hot compress": "hot-compress",
    "heat pack": "hot-compress",
    "warm compress": "hot-compress",
    "relaxation": "relaxation",
    "relax": "relaxation",
    "deep breathing": "deep-breathing",
    "breathing exercises": "deep-breathing",
    "meditation": "meditation",
    "massage": "massage",
    "acupressure": "acupressure",
    "stretching": "stretching",
    "exercise": "exercise",
    "drink water": "hydration",
    "drinking water": "hydration",
    "water": "hydration",
    "hydration": "hydration",
    "caffeine": "caffeine",
    "coffee": "caffeine",
}

#: Effect column -> diary effect level; "unsure" records the use without an effect.
EFFECTS: Final[dict[str, str | None]] = {
    "helpful": "good",
    "somewhat helpful": "some",
    "unhelpful": "none",
    "unsure": None,
}

#: Symptom keys that describe an aura: a premonitory (prodrome) word is never given one.
AURA_SYMPTOMS: Final = frozenset({"visual-aura", "sensory-aura", "speech-disturbance"})

#: ``Affected Activities`` words -> the attack's ``disability``, on the four levels of the
#: IHS functional disability scale used in acute-treatment trials (0 no disability, 1 mildly
#: impaired, 2 severely impaired, 3 bed rest required) as none / mild / moderate / severe.
#: An attack with several activities takes the highest level; a word not listed here is
#: kept in the attack's notes ("Affected activities: ...") and sets no level.
ACTIVITY_DISABILITY: Final[dict[str, str]] = {
    "not affected": "none",
    "no effect": "none",
    "none": "none",
    "normal": "none",
    "slower": "mild",
    "slower at home": "mild",
    "slower at work": "mild",
    "slower at school": "mild",
    "slowed down": "mild",
    "less productive": "mild",
    "had to slow down": "mild",
    "stopped": "moderate",
    "stopped at home": "moderate",
    "stopped at work": "moderate",
    "stopped at school": "moderate",
    "had to stop": "moderate",
    "missed work": "moderate",
    "missed school": "moderate",
    "missed social activities": "moderate",
    "cancelled plans": "moderate",
    "left work early": "moderate",
    "left school early": "moderate",
    "couldn t work": "moderate",
    "stayed in bed": "severe",
    "bed rest": "severe",
    "in bed": "severe",
    "bedridden": "severe",
    "couldn t do anything": "severe",
    "unable to function": "severe",
}
