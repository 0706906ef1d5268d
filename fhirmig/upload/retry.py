"""When and how long to wait before sending a request again.

Servers throttle (429) and have bad moments (500, 502, 503, 504, dropped connections).
Such answers are retried with exponential backoff and full jitter, so that many clients
that failed together do not come back together; a ``Retry-After`` header, when the
server sends one, sets the wait instead. The sleep function and the random source are
injectable so that tests run instantly and deterministically.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime

__all__ = ["RETRYABLE_STATUS", "RetryPolicy", "parse_retry_after"]

#: HTTP statuses worth retrying; every other error status is final for that request.
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None.

    An unreadable value gives None (the backoff applies); a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now())


@dataclass
class RetryPolicy:
    """How many times to try a request and how long to wait between tries.

    ``attempts`` counts every try, the first included. The wait before try ``n + 1`` is a
    random value in ``[0, min(max_delay, base_delay * 2**n)]`` (full jitter), or the
    server's ``Retry-After`` capped at ``max_retry_after`` seconds.
    """

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``failures``-th failed try (1 for the first)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(failures - 1, 0)))
        return self.rng.uniform(0.0, ceiling)

    def wait(self, failures: int, retry_after: float | None = None) -> float:
        """Sleep the delay for this failure and return how long that was."""
        seconds = self.delay(failures, retry_after)
        if seconds > 0:
            self.sleep(seconds)
        return seconds
