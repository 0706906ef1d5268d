"""Rounding the way the figures are reported: half up, on exact decimals.

Binary floats and Python's ``round`` (half to even) would print 6.25 as 6.2 and
28 * 5 / 560 = 0.25 as 0.2; a clinician checking by hand expects 6.3 and 0.3.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["per_28_days", "round_half_up"]


def round_half_up(value: float, digits: int) -> float:
    """``value`` rounded half up to ``digits`` decimals (on its shortest decimal form)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def per_28_days(count: int, days: int) -> float:
    """``count * 28 / days`` rounded half up to one decimal (0.0 for an empty period).

    The quotient is exact (Decimal division to 28 significant digits), so 0.25 becomes 0.3.
    """
    if days <= 0:
        return 0.0
    value = Decimal(count * 28) / Decimal(days)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
