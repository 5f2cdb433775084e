"""A KPI's chart against its targets, as one self-contained SVG (fourfold.core.kpichart)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from fourfold.core import kpichart

NAN = math.nan
SVG = "{http://www.w3.org/2000/svg}"
KEYS = ("2026-01", "2026-02", "2026-03", "2026-04")


def drawn(series: kpichart.Series, title: str = "Revenue") -> ET.Element:
    return ET.fromstring(kpichart.render(series, title, unit="EUR"))


def shapes(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if e.get("class") == css]


def test_it_draws_the_actuals_the_targets_and_their_band() -> None:
    series = kpichart.Series(
        KEYS, (100, 110, NAN, 130), (105, 105, 105, 105), (95,) * 4, (105,) * 4
    )
    root = drawn(series)
    actual = shapes(root, "path", "kpi-chart__actual")[0].get("d") or ""
    # A missing month breaks the line: two pieces, the second starting afresh.
    assert actual.count("M") == 2
    assert len(root.findall(f".//{SVG}circle")) == 3
    assert shapes(root, "path", "kpi-chart__target")[0].get("d", "").count("L") == 3
    assert len(shapes(root, "polygon", "kpi-chart__target-band")) == 1
    assert not shapes(root, "polygon", "kpi-chart__fan")
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "Revenue" in texts and "EUR" in texts and "Target band" in texts
    assert "Forecast (80 %)" not in texts


def test_a_forecast_fan_continues_from_the_last_value() -> None:
    fan = kpichart.Fan(("2026-05", "2026-06"), (120, 115), (135, 140), (150, 160))
    series = kpichart.Series(KEYS, (100, 110, 120, 130), (NAN,) * 4, fan=fan)
    root = drawn(series)
    points = shapes(root, "polygon", "kpi-chart__fan")[0].get("points", "").split()
    # The last actual, then the two steps along the 90th percentile and back along the 10th.
    assert len(points) == 6
    median = shapes(root, "path", "kpi-chart__median")[0].get("d", "")
    assert median.startswith("M") and median.count("L") == 2
    labels = [t.text for t in root.iter(SVG + "text")]
    assert "2026-06" in labels and "Forecast (80 %)" in labels


def test_every_text_is_escaped_and_no_value_says_so() -> None:
    series = kpichart.Series(KEYS, (NAN,) * 4, (NAN,) * 4)
    root = drawn(series, title='<b>"Sales" & more</b>\x01')
    texts = [t.text for t in root.iter(SVG + "text")]
    assert '<b>"Sales" & more</b>' in texts
    assert "No values in these periods." in texts


def test_the_value_axis_runs_in_round_steps_around_the_values() -> None:
    assert kpichart.nice_range(3.2, 9.7) == (2.0, 10.0, 2.0)
    first, last, step = kpichart.nice_range(5.0, 5.0)
    assert first < 5.0 < last and step > 0
    assert kpichart.nice_range(NAN, 1.0) == (0.0, 1.0, 0.25)
