"""The Northwind demo scorecard for a day: organization.yaml's definitions with the targets and
values that story.yaml makes up around that day, as one scorecard file for `fourfold load`.

    python -m fourfold.demo.generate                     rewrite northwind.yaml (for 2026-11-24)
    python -m fourfold.demo.generate --today 2027-07-15 -o out.yaml

The same day gives the same file. Nothing here checks the result: the real loader does
(`fourfold load --check`), and the tests run it on what this writes.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from fourfold.core import periods as core_periods

from . import initiatives
from .story import Kpi, Recipe
from .window import KIND, Window

HERE = Path(__file__).parent
ORGANIZATION = HERE / "organization.yaml"
STORY = HERE / "story.yaml"
EXAMPLE = HERE / "northwind.yaml"
# The day the committed example file is made for: the tests that read it count on its periods.
EXAMPLE_DAY = dt.date(2026, 11, 24)
GAPS_FROM, GAPS_TO = -32, -2  # where random gaps may fall, counted back from the last month


@cache
def sources() -> tuple[dict[str, Any], dict[str, Any]]:
    """organization.yaml and story.yaml, read once."""
    organization = yaml.load(ORGANIZATION.read_text(encoding="utf-8"), Loader=_Loader)
    story = yaml.load(STORY.read_text(encoding="utf-8"), Loader=_Loader)
    return organization, story


def build(today: dt.date) -> dict[str, Any]:
    """The whole scorecard document for `today`, as plain data in the order it is written."""
    organization, story = sources()
    doc = copy.deepcopy(organization)
    window = Window(today, doc["organization"].get("fiscal_year_start", 1))
    seasons = {name: _scaled(factors) for name, factors in story["seasons"].items()}
    seed = f"{story['seed']}:{window.last_month}"
    month_so_far = today.day > 1  # on the first of the month nothing of it is in yet
    slots = {frequency: window.slots(frequency) for frequency in KIND}
    gaps: list[tuple[Flow, str]] = []
    for definition in _kpis(doc):
        kpi = Kpi(definition, Recipe.read(story["kpis"][definition["code"]]), seasons)
        periods = slots[kpi.frequency]
        if targets := kpi.targets(periods):
            if kpi.recipe.phase:
                targets = _phased(targets, periods, kpi, window)
            definition["targets"] = {key: Flow(entry) for key, entry in targets.items()}
        if kpi.calculated:
            continue
        made = kpi.values(periods, seed, month_so_far=month_so_far)
        values = Flow({key: Flow(v) if isinstance(v, dict) else v for key, v in made.items()})
        definition["values"] = values
        if kpi.frequency == "monthly":
            commented = kpi.notes_keys(periods)
            gaps += [
                (values, slot.key)
                for slot in periods
                if GAPS_FROM <= slot.offset <= GAPS_TO
                and slot.key in values
                and slot.key not in commented
            ]
    for values, key in random.Random(seed).sample(gaps, story["random_gaps"]):
        del values[key]
    projects = initiatives.build(story.get("initiatives", {}), window)
    for unit in doc["units"]:
        if unit["code"] in projects:
            unit["initiatives"] = projects[unit["code"]]
    return doc


def _phased(targets: dict[str, Any], slots: list[Any], kpi: Kpi, window: Window) -> dict[str, Any]:
    """The targets of today's fiscal year as one yearly target with the recipe's phase, in
    their place: the loader writes the months (or quarters) the phase implies."""
    fiscal = window.fiscal_start
    year = core_periods.year_of(f"{window.today:%Y-%m}", fiscal)
    months = set(core_periods.parse_period(year, fiscal).months)
    current = [
        slot.key
        for slot in slots
        if core_periods.parse_period(slot.key, fiscal).first_month in months
    ]
    how = kpi.aggregation
    entry: dict[str, Any] = {}
    for name in ("target", "red_flag", "stretch"):
        parts = [targets[key].get(name) for key in current]
        total = core_periods.aggregate(parts, how) if None not in parts else None
        if total is not None:
            entry[name] = int(total) if total.is_integer() else total
    out = {k: v for k, v in targets.items() if k not in current}
    out[year] = {**entry, "phase": kpi.recipe.phase}
    return out


def _kpis(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for unit in doc["units"]:
        for perspective in unit["perspectives"]:
            for objective in perspective["objectives"]:
                yield from objective["kpis"]


def _scaled(factors: list[float]) -> list[float]:
    mean = sum(factors) / len(factors)
    return [f / mean for f in factors]


class Flow(dict[str, Any]):
    """A mapping written on one line (or a few), as targets and values read best."""


_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LoaderBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_Base):  # type: ignore[valid-type,misc]
    pass


class _Loader(_LoaderBase):  # type: ignore[valid-type,misc]
    pass


def _flow(dumper: yaml.SafeDumper, data: Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    short = all(not isinstance(v, dict | list) for v in data.values()) and len(data) <= 3
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=short)


def _sequence(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(Flow, _flow)
_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(list, _sequence)


def render(doc: dict[str, Any], today: dt.date) -> str:
    """The document as a scorecard file, with a header that says where it comes from."""
    header = (
        f"# Northwind Components, the Fourfold demo organization, as of {today:%Y-%m-%d}.\n"
        f"# Written by `python -m fourfold.demo.generate` from organization.yaml and story.yaml:\n"
        f"# edit those, not this. `fourfold demo` makes the same for the day it runs.\n"
    )
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    return header + body


def scorecard(today: dt.date) -> str:
    """The demo scorecard file for `today`."""
    return render(build(today), today)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fourfold.demo.generate", description=__doc__)
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=EXAMPLE_DAY,
        help=f"the day the demo is made for (default: {EXAMPLE_DAY}, the example file's)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=EXAMPLE, help="where to write it ('-': stdout)"
    )
    args = parser.parse_args(argv)
    text = scorecard(args.today)
    if str(args.output) == "-":
        sys.stdout.write(text)
        return
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    main()
