"""De-identification of diaries for research, by two methods.

The keyed method keeps a diary a diary: a keyed pseudonym, names, identifiers and free
text removed, every date shifted by a per-patient offset. The same key gives a patient
the same pseudonym and date shift on every run. Shifted dates are still dates, so this
is a limited data set (45 CFR 164.514(e)) unless an expert determination
(164.514(b)(1)) covers it; it is not Safe Harbor.

>>> from fhirmig.privacy import deidentify_diary, load_key
>>> research = deidentify_diary(diary, load_key("study.key"))  # doctest: +SKIP

The Safe Harbor method (164.514(b)(2)) gives three tables instead, with random study
codes, years as the only date elements and no free text
(:func:`safe_harbor_tables`, :func:`write_tables`). docs/security.md says what each
method removes, what it keeps and the rule for each point.
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
from fhirmig.privacy.safeharbor import (
    ATTACK_COLUMNS,
    DAY_COLUMNS,
    FIGURE_KEYS,
    OVER_89,
    PATIENT_COLUMNS,
    SafeHarborTables,
    figure_columns,
    new_study_code,
    safe_harbor_tables,
    write_tables,
)
from fhirmig.privacy.shift import shift_date, shift_datetime, shift_partial_date

__all__ = [
    "ATTACK_COLUMNS",
    "DAY_COLUMNS",
    "FIGURE_KEYS",
    "KEY_BYTES",
    "MAX_SHIFT_WEEKS",
    "OTHER",
    "OVER_89",
    "PATIENT_COLUMNS",
    "SAFE_HARBOR_AGE",
    "SafeHarborTables",
    "date_shift_days",
    "deidentify_diary",
    "figure_columns",
    "load_key",
    "new_key",
    "new_study_code",
    "plain_dose",
    "pseudonym",
    "record_pseudonym",
    "safe_harbor_tables",
    "shift_date",
    "shift_datetime",
    "shift_partial_date",
    "write_new_key",
    "write_tables",
]
