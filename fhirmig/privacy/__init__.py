"""De-identification of diaries for research exports (HIPAA Safe Harbor), keyed by a secret.

>>> from fhirmig.privacy import deidentify_diary, load_key
>>> research = deidentify_diary(diary, load_key("study.key"))  # doctest: +SKIP

The same key gives a patient the same pseudonym and date shift on every run; see
docs/security.md for what is removed, what is kept and what is left to the user.
"""

from fhirmig.privacy.deidentify import OTHER, SAFE_HARBOR_AGE, deidentify_diary, plain_dose
from fhirmig.privacy.keys import (
    KEY_BYTES,
    MAX_SHIFT_WEEKS,
    date_shift_days,
    load_key,
    new_key,
    pseudonym,
    record_pseudonym,
    write_new_key,
)
from fhirmig.privacy.shift import shift_date, shift_datetime, shift_partial_date

__all__ = [
    "KEY_BYTES",
    "MAX_SHIFT_WEEKS",
    "OTHER",
    "SAFE_HARBOR_AGE",
    "date_shift_days",
    "deidentify_diary",
    "load_key",
    "new_key",
    "plain_dose",
    "pseudonym",
    "record_pseudonym",
    "shift_date",
    "shift_datetime",
    "shift_partial_date",
    "write_new_key",
]
