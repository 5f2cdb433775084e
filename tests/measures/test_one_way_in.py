"""One way in: nothing in the product writes values or targets but the intake service."""

from __future__ import annotations

import re
from pathlib import Path

import fourfold

ROOT = Path(fourfold.__file__).parent
WRITERS = re.compile(r"\b(record_values|set_targets)\(")
# The writers themselves, and the one service that calls them.
ALLOWED = {"measures/services.py", "measures/intake.py"}


def test_only_the_intake_service_calls_the_writers_of_values_and_targets() -> None:
    callers = sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if str(path.relative_to(ROOT)) not in ALLOWED
        and "migrations" not in path.parts
        and WRITERS.search(path.read_text(encoding="utf-8"))
    )
    assert callers == [], f"these modules write values or targets around the intake: {callers}"


def test_no_module_of_the_product_passes_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
        and (n := path.read_text(encoding="utf-8").count("\n")) > 600
    }
    assert long == {}, f"split these modules: {long}"
