"""The schemes and helpers the scoring and scheme tests share."""

from __future__ import annotations

import numpy as np
import pytest

from fourfold.core.scoring import Scheme, SchemeError, TargetError, check_target, scheme_from_spec

NAN = np.nan
GOV_SPEC = {
    "type": "percent_of_target",
    "bands": [
        {"status": "Met", "min": 100, "color": "green"},
        {"status": "Slightly below", "min": 95, "color": "amber"},
        {"status": "Not met", "color": "red"},
    ],
}
GOV = scheme_from_spec("gov", GOV_SPEC)


def bands(*mins: float | str) -> Scheme:
    """A percent scheme with the given mins, best first, and one more band below."""
    spec = [{"status": f"band {i}", "min": m} for i, m in enumerate(mins)]
    return scheme_from_spec("test", {"type": "percent_of_target", "bands": [*spec, "below"]})


def spec_error(spec: object, name: str = "gov") -> str:
    with pytest.raises(SchemeError) as caught:
        scheme_from_spec(name, spec)  # type: ignore[arg-type]
    return str(caught.value)


def target_error(scheme: Scheme, direction: str, **values: float | None) -> str:
    with pytest.raises(TargetError) as caught:
        check_target(scheme, direction, **values)
    return str(caught.value)
