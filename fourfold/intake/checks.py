"""Is a value far outside its KPI's history? A warning a person confirms, never a refusal."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fourfold.core.numbers import grouped

HISTORY = 24
MIN_HISTORY = 4
# Scaled so that, for normally spread data, one MAD unit is one standard deviation.
MAD_SCALE = 1.4826
MAD_LIMIT = 3.0


def far_from_history(value: float, history: Sequence[float]) -> str | None:
    """Why the value looks wrong next to the last values, or None when it looks usual.

    Far means more than three (scaled) median absolute deviations from the median, or
    outside [min − range, max + range] of the last 24 values.
    """
    past = np.asarray(list(history)[-HISTORY:], dtype=np.float64)
    if past.size < MIN_HISTORY:
        return None
    low, high = float(past.min()), float(past.max())
    spread = high - low
    median = float(np.median(past))
    mad = float(np.median(np.abs(past - median))) * MAD_SCALE
    outside = spread > 0 and (value < low - spread or value > high + spread)
    deviant = mad > 0 and abs(value - median) / mad > MAD_LIMIT
    if not (outside or deviant):
        return None
    return (
        f"{grouped(value)} is far from this KPI's last {past.size} values "
        f"({grouped(low)} to {grouped(high)}, median {grouped(median)})"
    )
