"""The one reading of the clock: ``SOURCE_DATE_EPOCH`` when it is set, else the time now.

Reproducible builds set ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) so that the same
input gives byte-identical output on any day. Every place in fhirmig that needs the time
asks here, so the variable is parsed in one way and a bad value always gets the same
clear error instead of a crash in one stage and a different message in another.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from fhirmig.errors import UsageError
from fhirmig.wording import excerpt

__all__ = ["SOURCE_DATE_EPOCH", "now", "source_date_epoch"]

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def source_date_epoch(environ: Mapping[str, str] | None = None) -> datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names (aware, UTC), or None when it is unset or empty.

    Raises:
        UsageError: the value is not a whole number of seconds in the range of dates.
    """
    env = os.environ if environ is None else environ
    raw = env.get(SOURCE_DATE_EPOCH)
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise UsageError(
            f"{{{SOURCE_DATE_EPOCH}}}={excerpt(raw)}: not a Unix time in whole seconds",
            params=(SOURCE_DATE_EPOCH,),
        )
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"{{{SOURCE_DATE_EPOCH}}}={excerpt(raw)}: out of the range of dates",
            params=(SOURCE_DATE_EPOCH,),
        ) from None


def now(environ: Mapping[str, str] | None = None) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set, else the current time; aware, in UTC."""
    fixed = source_date_epoch(environ)
    return fixed if fixed is not None else datetime.now(UTC)
