"""Scoring schemes: their statuses and bands, and how a scorecard file writes them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

SCHEME_TYPES = ("goal_red_flag", "percent_of_target", "yes_no", "unscored")
# A two-status percent scheme has no neighbouring band to borrow a width from.
TWO_BAND_REACH = Decimal(10)


class SchemeError(ValueError):
    """A scoring scheme that cannot be used."""


@dataclass(frozen=True)
class Status:
    """A named, coloured status; schemes list them worst first."""

    name: str
    color: str


@dataclass(frozen=True)
class Scheme:
    """An ordered list of statuses, worst first, and how a KPI's actual is scored."""

    name: str
    type: str
    statuses: tuple[Status, ...]
    mins: tuple[Decimal, ...] = ()

    def __post_init__(self) -> None:
        # Accept lists and plain numbers from callers, but keep the scheme hashable and exact.
        exact = (Decimal(repr(m)) if isinstance(m, float) else Decimal(m) for m in self.mins)
        object.__setattr__(self, "statuses", tuple(self.statuses))
        object.__setattr__(self, "mins", tuple(exact))
        n = len(self.statuses)
        wanted = {"goal_red_flag": n == 3, "yes_no": n == 2, "unscored": n == 0}
        if self.type not in SCHEME_TYPES:
            raise SchemeError(f"scheme '{self.name}' has an unknown type '{self.type}'")
        if not wanted.get(self.type, n >= 2):
            raise SchemeError(f"scheme '{self.name}' cannot have {n} statuses for {self.type}")
        names = [s.name.casefold() for s in self.statuses]
        if len(set(names)) != n:
            raise SchemeError(f"scheme '{self.name}' names a status twice")
        expected_mins = n - 1 if self.type == "percent_of_target" else 0
        ascending = all(a < b for a, b in zip(self.mins, self.mins[1:], strict=False))
        if len(self.mins) != expected_mins or not ascending:
            raise SchemeError(
                f"scheme '{self.name}' needs {expected_mins} band mins in ascending order"
            )

    @property
    def best(self) -> int:
        """Index of the best status."""
        return len(self.statuses) - 1

    def band_edges(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Lower and upper achievement edge of each band, worst first, outer bands extended."""
        m = self.mins
        if not m:
            return (), ()
        below = m[1] - m[0] if len(m) > 1 else TWO_BAND_REACH
        above = m[-1] - m[-2] if len(m) > 1 else TWO_BAND_REACH
        lower = (m[0] - below, *m)
        upper = (*m, m[-1] + above)
        return tuple(float(x) for x in lower), tuple(float(x) for x in upper)


_RED, _AMBER, _GREEN = Status("red", "red"), Status("amber", "amber"), Status("green", "green")
DEFAULT = Scheme("default", "goal_red_flag", (_RED, _AMBER, _GREEN))
YES_NO = Scheme("yes_no", "yes_no", (Status("No", "red"), Status("Yes", "green")))
UNSCORED = Scheme("unscored", "unscored", ())
BUILTIN = {"default": DEFAULT, "yes_no": YES_NO, "unscored": UNSCORED}
SHARE_MET = Scheme(
    "share_met",
    "percent_of_target",
    (Status("Not met", "red"), Status("Mostly met", "amber"), Status("Met", "green")),
    (Decimal(75), Decimal(100)),
)
# Colours of the statuses between the worst (red) and the best (green), by how many there are.
_MIDDLE_COLORS = {0: (), 1: ("amber",), 2: ("orange", "amber"), 3: ("orange", "amber", "yellow")}


def show(value: float | Decimal) -> str:
    """A number as a person would write it: 100, not 100.0 or 1E+2."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return format(exact.normalize(), "f")


def _default_colors(n: int) -> list[str]:
    middle = _MIDDLE_COLORS.get(n - 2, ("amber",) * (n - 2))
    return ["red", *middle, "green"] if n >= 2 else ["grey"] * n


def _min_of(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise SchemeError(f"{where}: its min {value!r} is not a number")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise SchemeError(f"{where}: its min '{value}' is not a number") from None
    if not number.is_finite():
        raise SchemeError(f"{where}: its min {value} is not a finite number")
    return number


def _status_of(item: object, where: str, color: str, keys: tuple[str, ...]) -> Status:
    if isinstance(item, str):
        item = {"status": item}
    if not isinstance(item, Mapping):
        raise SchemeError(f"{where}: write it as {{status: NAME, color: COLOR}}")
    unknown = [k for k in item if k not in keys]
    if unknown:
        raise SchemeError(f"{where}: unknown key '{unknown[0]}' (it takes {', '.join(keys)})")
    name = item.get("status")
    if isinstance(name, bool):
        raise SchemeError(f"{where}: its status name must be text; quote it, as in status: 'No'")
    if not isinstance(name, str) or not name.strip():
        raise SchemeError(f"{where}: it has no status name")
    chosen = item.get("color", color)
    if not isinstance(chosen, str) or not chosen.strip():
        raise SchemeError(f"{where}: its color must be text such as green or #2e7d32")
    return Status(name.strip(), chosen.strip())


def _statuses(name: str, kind: str, items: object, n: int) -> tuple[Status, ...]:
    if items is None:
        return {"goal_red_flag": DEFAULT, "yes_no": YES_NO}[kind].statuses
    if not isinstance(items, list) or len(items) != n:
        got = len(items) if isinstance(items, list) else "no list"
        raise SchemeError(
            f"scheme '{name}' needs exactly {n} statuses for {kind}, worst first (got {got})"
        )
    colors = _default_colors(n)
    found = [
        _status_of(item, f"scheme '{name}', status {i + 1}", colors[i], ("status", "color"))
        for i, item in enumerate(items)
    ]
    _check_unique(name, found, "status")
    return tuple(found)


def _check_unique(name: str, statuses: list[Status], what: str) -> None:
    seen: dict[str, int] = {}
    for i, status in enumerate(statuses, start=1):
        first = seen.setdefault(status.name.casefold(), i)
        if first != i:
            raise SchemeError(
                f"scheme '{name}', {what} {i} '{status.name}': "
                f"the status name is already used by {what} {first}"
            )


def _bands(name: str, bands: object) -> Scheme:
    if not isinstance(bands, list):
        raise SchemeError(f"scheme '{name}' needs bands: a list of at least 2, best first")
    if len(bands) < 2:
        raise SchemeError(f"scheme '{name}' needs at least 2 bands, best first (got {len(bands)})")
    colors = _default_colors(len(bands))[::-1]
    statuses: list[Status] = []
    mins: list[Decimal] = []
    for i, item in enumerate(bands):
        where = f"scheme '{name}', band {i + 1}"
        band = {"status": item} if isinstance(item, str) else item
        if not isinstance(band, Mapping):
            raise SchemeError(f"{where}: write it as {{status: NAME, min: NUMBER, color: COLOR}}")
        status = _status_of(band, where, colors[i], ("status", "min", "color"))
        where = f"{where} '{status.name}'"
        last = i == len(bands) - 1
        if last and "min" in band:
            raise SchemeError(
                f"{where}: the last band takes no min, it covers everything below the band above it"
            )
        if not last:
            if band.get("min") is None:
                raise SchemeError(
                    f"{where}: it needs a min, the lowest percent of target it covers"
                )
            low = _min_of(band["min"], where)
            if mins and low >= mins[-1]:
                raise SchemeError(
                    f"{where}: its min {show(low)} is not below "
                    f"the min of the band above it ({show(mins[-1])})"
                )
            mins.append(low)
        statuses.append(status)
    _check_unique(name, statuses, "band")
    return Scheme(name, "percent_of_target", tuple(statuses[::-1]), tuple(mins[::-1]))


def scheme_from_spec(name: str, spec: Mapping[str, Any]) -> Scheme:
    """Build a scheme from its form in a scorecard file."""
    if not isinstance(spec, Mapping):
        raise SchemeError(
            f"scheme '{name}' must be a mapping with a type and its bands or statuses"
        )
    kind = spec.get("type")
    types = "goal_red_flag, percent_of_target, yes_no or unscored"
    if kind is None:
        raise SchemeError(f"scheme '{name}' has no type: use {types}")
    if kind not in SCHEME_TYPES:
        raise SchemeError(f"scheme '{name}' has an unknown type '{kind}': use {types}")
    allowed = {"percent_of_target": "bands", "unscored": None}.get(kind, "statuses")
    for key in spec:
        if key not in ("type", allowed):
            takes = f"type and {allowed}" if allowed else "only type"
            raise SchemeError(
                f"scheme '{name}' has an unknown key '{key}': a {kind} scheme takes {takes}"
            )
    if kind == "percent_of_target":
        return _bands(name, spec.get("bands"))
    if kind == "unscored":
        return Scheme(name, kind, ())
    n = 3 if kind == "goal_red_flag" else 2
    return Scheme(name, kind, _statuses(name, kind, spec.get("statuses"), n))
