"""How a number is written in a sentence (fourfold.core.numbers)."""

from __future__ import annotations

import pytest

from fourfold.core.numbers import compact


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_200_000, "1.2\u00a0M"),
        (1_234_567, "1.23\u00a0M"),
        (-3_450_000_000, "-3.45\u00a0bn"),
        (2e12, "2\u00a0T"),
        (1.5e15, "1,500\u00a0T"),
        (999_999.5, "999,999.5"),
        (12.345, "12.35"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_it_writes_large_numbers_with_their_scale(value: float | None, text: str) -> None:
    assert compact(value) == text
