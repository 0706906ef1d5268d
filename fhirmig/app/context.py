"""The run context: the clock and the de-identification a run works under, decided once.

A command builds one :class:`RunContext` from its options and the environment before it
reads anything, so a bad ``SOURCE_DATE_EPOCH`` or a missing key is refused up front with
the same message in every command, and a de-identified run shifts the diary and the period
asked for by the same number of days.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from fhirmig.clock import source_date_epoch
from fhirmig.errors import UsageError
from fhirmig.redact import remember_secret

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = ["Deidentification", "RunContext", "deidentification"]


@dataclass(frozen=True, slots=True)
class Deidentification:
    """De-identify with ``key`` (keyed pseudonym, dates shifted); ``keep_notes`` keeps free text."""

    key: bytes = field(repr=False)
    keep_notes: bool = False
    key_file: Path | None = None

    def apply(self, diary: Diary) -> Diary:
        """The de-identified diary (pseudonym, no identities, dates shifted)."""
        from fhirmig.privacy import deidentify_diary

        return deidentify_diary(diary, self.key, keep_notes=self.keep_notes)

    def shift(self, patient_id: str, day: date | None) -> date | None:
        """``day`` (a real date) moved as the patient's de-identified dates are moved."""
        if day is None:
            return None
        from fhirmig.privacy import date_shift_days

        return day + timedelta(days=date_shift_days(patient_id, self.key))


def deidentification(
    deidentify: bool, key_file: str | os.PathLike[str] | None, keep_notes: bool = False
) -> Deidentification | None:
    """The de-identification asked for (the key read and checked), or None.

    Raises:
        UsageError: ``key_file`` or ``keep_notes`` without ``deidentify``, or
            ``deidentify`` without ``key_file``.
        PrivacyError: the key file is missing, not private or too short.
    """
    if not deidentify:
        if key_file is not None or keep_notes:
            raise UsageError(
                "{key_file} and {keep_notes} go with {deidentify}",
                params=("key_file", "keep_notes", "deidentify"),
            )
        return None
    if key_file is None:
        raise UsageError(
            "{deidentify} needs {key_file} (a file holding the secret key)",
            params=("deidentify", "key_file"),
        )
    from fhirmig.privacy import load_key

    key = load_key(key_file)
    remember_secret(key)
    return Deidentification(key, keep_notes, Path(key_file))


@dataclass(frozen=True, slots=True)
class RunContext:
    """What one run works under: its moment and its de-identification.

    ``now`` is aware (UTC): ``SOURCE_DATE_EPOCH`` when set (``reproducible``), else the
    moment the context was made. Stages never read the clock themselves; they are given
    ``now`` or ``today``.
    """

    now: datetime
    reproducible: bool = False
    deidentification: Deidentification | None = None

    @classmethod
    def create(
        cls,
        *,
        deidentify: bool = False,
        key_file: str | os.PathLike[str] | None = None,
        keep_notes: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> RunContext:
        """The context of a run started now, checked: a bad clock or key is refused here."""
        fixed = source_date_epoch(environ)
        moment = fixed if fixed is not None else datetime.now().astimezone()
        from datetime import UTC

        return cls(
            now=moment.astimezone(UTC),
            reproducible=fixed is not None,
            deidentification=deidentification(deidentify, key_file, keep_notes),
        )

    @property
    def today(self) -> date:
        """The day of ``now`` in UTC: the "generated" date of a report."""
        return self.now.date()

    @property
    def protected(self) -> tuple[Path, ...]:
        """Files of the run no output may replace (the key file)."""
        d = self.deidentification
        return (d.key_file,) if d is not None and d.key_file is not None else ()

    def prepare(self, diary: Diary) -> Diary:
        """The diary as this run must use it: de-identified when asked, else itself."""
        d = self.deidentification
        return diary if d is None else d.apply(diary)

    def period(
        self, diary: Diary, start: date | None, end: date | None
    ) -> tuple[date | None, date | None]:
        """The period ``start``..``end`` (real dates of ``diary``) as this run's diary sees it.

        De-identified, the dates move by the patient's shift, as the diary's dates do; so
        ``--from 2026-03-01`` on a de-identified report still means the real 1 March.
        """
        d = self.deidentification
        if d is None:
            return start, end
        return d.shift(diary.patient.id, start), d.shift(diary.patient.id, end)
