"""The strategy map layout: bands in order, boxes apart and inside their bands, readable text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fourfold.core.layout import (
    ELLIPSIS,
    BandIn,
    Layout,
    NodeIn,
    Style,
    layout,
    text_width,
    wrap,
)

FOUR = [
    BandIn("financial", "Financial"),
    BandIn("customer", "Customer"),
    BandIn("internal", "Internal Process"),
    BandIn("learning", "Learning & Growth"),
]


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def assert_readable(result: Layout, nodes: list[NodeIn]) -> None:
    boxes = [(n.x, n.y, n.width, n.height) for n in result.nodes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b), f"boxes {a} and {b} overlap"
    for node, given_node in zip(result.nodes, nodes, strict=True):
        band = result.bands[given_node.band]
        assert node.band == given_node.band
        assert band.y <= node.y and node.bottom <= band.y + band.height
        assert node.x >= 0 and node.right <= result.width


def test_it_stacks_the_bands_in_the_order_given_from_the_top() -> None:
    nodes = [NodeIn("a", 3, "Skills"), NodeIn("b", 0, "Revenue")]
    result = layout(FOUR, nodes, [("a", "b")])
    assert [b.key for b in result.bands] == ["financial", "customer", "internal", "learning"]
    tops = [b.y for b in result.bands]
    assert tops == sorted(tops) and tops[0] == 0
    assert result.nodes[1].y < result.nodes[0].y


def test_it_wraps_a_long_name_over_at_most_three_lines_and_marks_it_cut() -> None:
    lines, cut = wrap("Grow revenue profitably in every market we serve today", 100, 13)
    assert len(lines) == 3 and cut
    assert lines[-1].endswith(ELLIPSIS)
    assert all(text_width(line, 13) <= 100 for line in lines)


def test_it_keeps_a_short_name_on_one_line() -> None:
    assert wrap("Grow revenue", 200, 13) == (["Grow revenue"], False)


def test_it_breaks_a_word_longer_than_the_line() -> None:
    lines, cut = wrap("Supercalifragilisticexpialidocious", 60, 13)
    assert not cut or lines[-1].endswith(ELLIPSIS)
    assert "".join(lines).rstrip(ELLIPSIS) in "Supercalifragilisticexpialidocious"
    assert all(text_width(line, 13) <= 60 for line in lines)


def test_it_orders_boxes_in_a_band_to_avoid_crossings() -> None:
    bands = FOUR[:2]
    nodes = [NodeIn("x", 0, "X"), NodeIn("y", 0, "Y"), NodeIn("p", 1, "P"), NodeIn("q", 1, "Q")]
    result = layout(bands, nodes, [("p", "y"), ("q", "x")])
    at = {n.key: n.x for n in result.nodes}
    assert (at["x"] < at["y"]) == (at["q"] < at["p"])


def test_it_draws_a_link_across_bands_from_the_causes_top_to_the_effects_bottom() -> None:
    nodes = [NodeIn("rev", 0, "Revenue"), NodeIn("skills", 3, "Skills")]
    result = layout(FOUR, nodes, [("skills", "rev")])
    (edge,) = result.edges
    assert (edge.cause, edge.effect, edge.within_band) == ("skills", "rev", False)
    numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", edge.path)]
    rev, skills = result.nodes
    assert numbers[1] == skills.y
    assert numbers[-1] == rev.bottom


def test_it_routes_a_link_inside_a_band_around_the_boxes_between() -> None:
    nodes = [NodeIn(k, 0, k.upper()) for k in "abc"]
    result = layout(FOUR[:1], nodes, [("a", "c"), ("a", "b")])
    by = {(e.cause, e.effect): e for e in result.edges}
    assert all(e.within_band for e in result.edges)
    assert "C" in by[("a", "c")].path  # an arc over the box between
    assert "L" in by[("a", "b")].path  # neighbours: straight across


def test_it_ignores_links_to_objectives_not_on_the_map_loops_and_repeats() -> None:
    nodes = [NodeIn("a", 0, "A"), NodeIn("b", 1, "B")]
    links = [("a", "b"), ("a", "b"), ("a", "a"), ("a", "elsewhere")]
    assert len(layout(FOUR, nodes, links).edges) == 1


def test_it_widens_the_map_rather_than_squeeze_many_boxes_into_a_band() -> None:
    nodes = [NodeIn(f"n{i}", 0, f"Objective {i}") for i in range(12)]
    style = Style()
    result = layout(FOUR[:1], nodes, [], style)
    assert result.width > style.width
    assert all(n.width >= style.min_node_width for n in result.nodes)


@st.composite
def maps(draw: st.DrawFn) -> tuple[list[BandIn], list[NodeIn], list[tuple[str, str]]]:
    n_bands = draw(st.integers(1, 6))
    bands = [BandIn(f"b{i}", f"Band {i}") for i in range(n_bands)]
    n_nodes = draw(st.integers(0, 30))
    words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzMW &-", min_size=1, max_size=70)
    nodes = [
        NodeIn(f"o{i}", draw(st.integers(0, n_bands - 1)), draw(words)) for i in range(n_nodes)
    ]
    links: list[tuple[str, str]] = []
    if n_nodes:
        index = st.integers(0, n_nodes - 1)
        pairs = draw(st.lists(st.tuples(index, index), max_size=60))
        links = [(f"o{a}", f"o{b}") for a, b in pairs]
    return bands, nodes, links


@settings(max_examples=150, deadline=None)
@given(maps())
def test_no_two_boxes_overlap_and_every_box_stays_in_its_band(
    case: tuple[list[BandIn], list[NodeIn], list[tuple[str, str]]],
) -> None:
    bands, nodes, links = case
    result = layout(bands, nodes, links)
    assert_readable(result, nodes)
    for node in result.nodes:
        assert 1 <= len(node.lines) <= 3
        assert all(text_width(line, 13) <= node.width - 2 * Style().pad_x for line in node.lines)
    bottoms = [b.y + b.height for b in result.bands]
    assert all(a <= b.y for a, b in zip(bottoms, result.bands[1:], strict=False))
