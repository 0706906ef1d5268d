"""Is the server's patient the diary's person? Checked before anything is written.

The server's Patient is found by the diary's patient identifier alone, and identifiers
collide: Apple Health exports all name their patient ``export``, a CSV without sidecar takes
its file name, two clinics' MRN ranges overlap. Filing one person's migraine attacks and
medication under another's record is the worst thing an upload can do, so before writing,
the server's Patient is compared with the diary's on what both say:

* the family name, without case, accents or extra spaces (``Müller `` = ``muller``);
* the birth date (a year-only date, as de-identified diaries give, is compared on the year);
* the sex, when both records know it.

Any difference stops the upload, naming the identifier and the fields that differ but never
the server's values (they are another person's data). A diary with neither a family name
nor a birth date gives nothing to compare and is refused for upload.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from fhirmig.errors import UploadError

__all__ = [
    "PatientMismatchError",
    "check_checkable",
    "differences",
    "mismatch_error",
    "normal_name",
]


class PatientMismatchError(UploadError):
    """The server's Patient with the diary's identifier looks like another person."""


def normal_name(name: str) -> str:
    """A family name for comparison: accents dropped, case folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _family(patient: dict[str, Any]) -> str | None:
    for name in patient.get("name") or []:
        if isinstance(name, dict) and isinstance(name.get("family"), str) and name["family"]:
            return normal_name(name["family"])
    return None


def _birth(patient: dict[str, Any]) -> str | None:
    value = patient.get("birthDate")
    return value if isinstance(value, str) and value else None


def _sex(patient: dict[str, Any]) -> str | None:
    value = patient.get("gender")
    return value if isinstance(value, str) and value not in ("", "unknown") else None


def _same_date(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def differences(diary: dict[str, Any], server: dict[str, Any]) -> list[str]:
    """The fields in which the server's Patient differs from the diary's: a subset of
    ``family name``, ``birth date``, ``sex``. A field only one side records is no difference."""
    out: list[str] = []
    mine, theirs = _family(diary), _family(server)
    if mine is not None and theirs is not None and mine != theirs:
        out.append("family name")
    born, their_birth = _birth(diary), _birth(server)
    if born is not None and their_birth is not None and not _same_date(born, their_birth):
        out.append("birth date")
    sex, their_sex = _sex(diary), _sex(server)
    if sex is not None and their_sex is not None and sex != their_sex:
        out.append("sex")
    if not out and (mine is None or theirs is None) and (born is None or their_birth is None):
        out.append("family name and birth date (the server's record has neither)")
    return out


def check_checkable(diary: dict[str, Any], identifier: str) -> None:
    """Refuse a Patient with neither a family name nor a birth date: it cannot be told
    apart from another person's record with the same identifier."""
    if _family(diary) is None and _birth(diary) is None:
        raise UploadError(
            f"the diary's patient ({identifier}) has neither a family name nor a birth date, "
            "so fhirmig cannot check that the server's record with this identifier is the "
            "same person; add patient.name.family or patient.birthDate to the diary (for a "
            "CSV diary, in its sidecar file) and upload again"
        )


def mismatch_error(identifier: str, fields: list[str]) -> PatientMismatchError:
    """The refusal for a mismatch: the identifier and the differing fields, no values."""
    what = ", ".join(fields)
    return PatientMismatchError(
        f"the server already holds a Patient with identifier {_braces(identifier)} whose "
        f"{what} differ(s) from the diary's: it may be another person, so nothing was sent. "
        "Check the diary's patient id (or {identifier_system}); if it is the same person and "
        "the record needs correcting, run again with {accept_patient_mismatch}",
        params=("identifier_system", "accept_patient_mismatch"),
    )


def _braces(text: str) -> str:
    """``text`` safe inside a message template (no parameter placeholder in it)."""
    return text.replace("{", "(").replace("}", ")")
