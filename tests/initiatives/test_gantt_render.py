"""The timeline of initiatives as SVG (fourfold.core.gantt): what it draws, from plain data."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from fourfold.core import gantt

D = dt.date
NS = "{http://www.w3.org/2000/svg}"
TODAY = D(2026, 7, 1)
GREEN, RED = "#2e7d32", "#c62828"


def crm(**extra: object) -> gantt.Row:
    fields: dict[str, object] = {
        "key": "crm",
        "label": "Roll out the new CRM",
        "start": D(2026, 1, 1),
        "end": D(2026, 12, 31),
        "complete": 25.0,
        "status": "Red",
        "color": RED,
        "href": "/units/acme/initiatives/crm/",
        "milestones": (
            gantt.Milestone("pilot", "Pilot live", D(2026, 3, 31), D(2026, 4, 10)),
            gantt.Milestone("regions", "All regions", D(2026, 6, 30), None, ("pilot",)),
            gantt.Milestone("switch", "Old CRM off", D(2026, 12, 15), None, ("regions",)),
        ),
        **extra,
    }
    return gantt.Row(**fields)  # type: ignore[arg-type]


def draw(rows: list[gantt.Row], **options: object) -> ET.Element:
    return ET.fromstring(gantt.render(rows, TODAY, "Acme — initiatives", **options))  # type: ignore[arg-type]


def rects(svg: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{NS}rect") if e.get("class") == cls]


def classed(svg: ET.Element, name: str) -> list[ET.Element]:
    """The elements of a class (BEM: `gantt__milestone` holds `gantt__milestone--done`)."""
    found = []
    for e in svg.iter():
        classes = (e.get("class") or "").split()
        if any(c == name or c.startswith(f"{name}--") for c in classes):
            found.append(e)
    return found


def test_it_draws_a_bar_per_initiative_in_its_status_colour_with_the_completed_share() -> None:
    svg = draw([crm(), crm(key="ok", label="Lean", complete=None, color=GREEN, scored=False)])
    bars = rects(svg, "gantt__bar")
    assert [b.get("fill") for b in bars] == [RED, GREEN]
    assert bars[1].get("stroke-dasharray")  # without a score the bar is drawn dashed
    done = rects(svg, "gantt__done")
    assert len(done) == 1  # only the row with progress has a completed share
    assert float(done[0].get("width", 0)) == round(float(bars[0].get("width", 0)) * 0.25, 1)
    assert done[0].get("x") == bars[0].get("x")
    assert "25 %" in "".join(svg.itertext())


def test_a_bar_runs_from_its_first_day_to_the_end_of_its_last() -> None:
    svg = draw([crm()])
    bar = rects(svg, "gantt__bar")[0]
    # The window is 2026 (TODAY inside it): 365 days over the timeline's width.
    style = gantt.Style()
    width = style.width - style.label_width - style.right
    assert float(bar.get("x", 0)) == style.label_width
    assert abs(float(bar.get("width", 0)) - width) < 0.2


def test_milestones_are_diamonds_done_to_do_or_overdue() -> None:
    svg = draw([crm()])
    kinds = {
        m.get("data-key"): m.get("class", "").split("--")[-1]
        for m in classed(svg, "gantt__milestone")
    }
    # Pilot was done; All regions was due on June 30, before TODAY; the last is still to come.
    assert kinds == {"pilot": "done", "regions": "overdue", "switch": "due"}
    titles = ["".join(m.itertext()) for m in classed(svg, "gantt__milestone")]
    assert titles == [
        "Pilot live: done 10 Apr 2026",
        "All regions: overdue since 30 Jun 2026",
        "Old CRM off: due 15 Dec 2026",
    ]
    path = classed(svg, "gantt__milestone")[0].get("d", "")
    assert len(re.findall(r"[ML]", path)) == 4 and path.endswith("Z")  # four corners


def test_dependencies_are_arrows_red_when_a_milestone_stands_before_the_one_it_waits_for() -> None:
    backwards = gantt.Milestone("early", "Too early", D(2026, 2, 1), None, ("pilot",))
    row = crm()
    svg = draw([row, crm(key="other", label="Other", milestones=(backwards,))])
    links = classed(svg, "gantt__link")
    assert len(links) == 3
    words = ["".join(link.itertext()) for link in links]
    assert words[0] == "All regions waits for Pilot live"
    assert words[2].startswith("Too early waits for Pilot live, yet stands before it")
    assert links[2].get("stroke") == RED and links[0].get("stroke") is None
    assert all(link.get("marker-end", "").startswith("url(#gantt-") for link in links)


def test_a_dependency_on_a_milestone_not_in_the_chart_or_on_itself_draws_nothing() -> None:
    lone = gantt.Milestone("m", "Alone", D(2026, 5, 1), None, ("elsewhere", "m"))
    svg = draw([crm(milestones=(lone,))])
    assert classed(svg, "gantt__link") == []


def test_a_line_marks_today_inside_the_window_and_none_when_there_is_no_today() -> None:
    svg = draw([crm()])
    assert len(classed(svg, "gantt__today")) == 1
    without = ET.fromstring(gantt.render([crm()], None, "t"))
    assert classed(without, "gantt__today") == []


def test_the_axis_names_months_and_fiscal_quarters() -> None:
    text = list(draw([crm()]).itertext())
    assert [t for t in text if t in ("Jan", "Jun", "Dec")] == ["Jan", "Jun", "Dec"]
    assert "Q1 2026" in text and "Q4 2026" in text
    april = list(draw([crm()], fiscal_start=4).itertext())
    assert "Q1 FY2027" in april and "Q4 FY2026" in april


def test_a_long_window_names_years_instead_of_quarters() -> None:
    long = crm(start=D(2020, 1, 1), end=D(2029, 12, 31))
    text = list(draw([long]).itertext())
    assert "2024" in text and "Q1 2024" not in text


def test_it_is_self_contained_titled_and_described() -> None:
    out = gantt.render([crm()], TODAY, "Acme — initiatives")
    svg = ET.fromstring(out)
    assert "<script" not in out and "<style" not in out and 'class="' in out
    assert svg.get("aria-labelledby") == "gantt-title gantt-desc"
    title, described = svg.find(f"{NS}title"), svg.find(f"{NS}desc")
    assert title is not None and described is not None
    assert title.text == "Acme — initiatives"
    desc = described.text or ""
    assert desc.startswith("1 bar from January 2026 to December 2026. 1 of 3 milestones done.")
    assert "1 overdue." in desc and "Today is 1 Jul 2026." in desc
    links = [a.get("href") for a in svg.iter(f"{NS}a")]
    assert links == ["/units/acme/initiatives/crm/"]
    legend = "".join(classed(svg, "gantt__legend")[0].itertext())
    assert "Milestone done" in legend and "Overdue" in legend and "Today" in legend


def test_names_are_escaped_and_characters_xml_cannot_hold_are_dropped() -> None:
    row = crm(label='<script>"R&D"</script>\x00\x1b', milestones=())
    out = gantt.render([row], TODAY, "A & B")
    svg = ET.fromstring(out)  # still a well-formed document
    assert '<script>"R&D"</script>' in "".join(svg.itertext())
    assert "<script>" not in out


def test_a_long_name_is_cut_short_with_an_ellipsis() -> None:
    svg = draw([crm(label="A very long name " * 10)])
    row = classed(svg, "gantt__row")[0]
    label = next(row.iter(f"{NS}text")).text or ""
    assert label.endswith("…") and len(label) < 40
    assert "".join(row.find(f"{NS}title").itertext()).startswith("A very long name A very")  # type: ignore[union-attr]


def test_no_rows_say_so_and_two_hundred_rows_each_get_their_line() -> None:
    assert "No initiatives to show." in "".join(draw([]).itertext())
    many = [crm(key=f"i{i}", label=f"Initiative {i}") for i in range(200)]
    svg = draw(many)
    style = gantt.Style()
    assert len(classed(svg, "gantt__row")) == 200
    assert float(svg.get("height", 0)) == style.header + 200 * style.row_height + style.legend
