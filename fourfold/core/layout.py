"""Lay out a strategy map: perspectives as bands, objectives as boxes, links as arrows.

Pure and deterministic, in the manner of a layered (Sugiyama) drawing: a link that crosses
several bands gets a pass-through slot in each band between, so that it never runs through
a box; boxes in a band are ordered to reduce crossings (barycentre sweeps), sized to the band,
then pulled towards the boxes they are linked to without ever overlapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

ELLIPSIS = "…"

# Advance widths in em of a wide sans-serif (DejaVu Sans): estimating with the widest
# common face keeps the text inside its box whichever face the reader's system picks.
_NARROW = set("iljtfr.,:;'!|()[] ")
_WIDE = set("mwMW@%")
_CAPS_EM = 0.72
_LOWER_EM = 0.61
_NARROW_EM = 0.36
_WIDE_EM = 0.98


def text_width(text: str, size: float) -> float:
    """An estimate, on the generous side, of the width of `text` at font size `size`."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += _NARROW_EM
        elif ch in _WIDE:
            em += _WIDE_EM
        elif ch.isupper() or not ch.isalnum():
            em += _CAPS_EM
        else:
            em += _LOWER_EM
    return em * size


def _cut(word: str, room: float, size: float) -> tuple[str, str]:
    """The longest head of `word` that fits in `room` (at least one character), and the rest."""
    n = 1
    while n < len(word) and text_width(word[: n + 1], size) <= room:
        n += 1
    return word[:n], word[n:]


def _ellipsize(line: str, room: float, size: float) -> str:
    while line and text_width(line + ELLIPSIS, size) > room:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def wrap(text: str, room: float, size: float, max_lines: int = 3) -> tuple[list[str], bool]:
    """`text` in lines that fit `room`, at most `max_lines`; True when it had to be cut short."""
    words = text.split()
    lines: list[str] = []
    current = ""
    while words:
        word = words.pop(0)
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= room:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
            words.insert(0, word)
            continue
        head, rest = _cut(word, room, size)  # a single word longer than the line
        lines.append(head)
        if rest:
            words.insert(0, rest)
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines or [""], False
    kept = lines[:max_lines]
    kept[-1] = _ellipsize(kept[-1], room, size)
    return kept, True


@dataclass(frozen=True)
class Style:
    """The measures of a map, in SVG pixels."""

    width: float = 980
    margin: float = 14
    gutter: float = 112  # the band titles' column, left of the boxes
    title_size: float = 12
    top_padding: float = 24
    row_padding: float = 24
    gap: float = 26
    through_width: float = 10
    min_node_width: float = 128
    max_node_width: float = 232
    font_size: float = 13
    line_height: float = 16
    pad_x: float = 10
    pad_y: float = 9
    status_height: float = 20
    arc_step: float = 11
    max_lines: int = 3
    sweeps: int = 6


@dataclass(frozen=True)
class BandIn:
    key: str
    label: str


@dataclass(frozen=True)
class NodeIn:
    key: str
    band: int
    label: str


@dataclass
class Band:
    key: str
    label: str
    y: float
    height: float
    row_top: float
    row_bottom: float
    lines: list[str] = field(default_factory=list)  # the title, wrapped to the gutter


@dataclass
class Node:
    key: str
    band: int
    x: float
    y: float
    width: float
    height: float
    lines: list[str]
    truncated: bool

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class Edge:
    cause: str
    effect: str
    path: str
    within_band: bool


@dataclass
class Layout:
    width: float
    height: float
    bands: list[Band]
    nodes: list[Node]
    edges: list[Edge] = field(default_factory=list)


@dataclass
class _Item:
    """A slot in a band's row: a box, or the pass-through of a link crossing the band."""

    ident: int
    band: int
    node: int | None  # index into the nodes, None for a pass-through
    width: float = 0.0
    x: float = 0.0
    pos: float = 0.0


def _crossings(upper: list[int], lower: list[int], pairs: list[tuple[int, int]]) -> int:
    """How many of the links between two neighbouring rows cross, given each row's order."""
    up = {ident: i for i, ident in enumerate(upper)}
    low = {ident: i for i, ident in enumerate(lower)}
    segs = sorted((up[a], low[b]) for a, b in pairs if a in up and b in low)
    count = 0
    for i, (a1, b1) in enumerate(segs):
        for a2, b2 in segs[i + 1 :]:
            if a2 > a1 and b2 < b1:
                count += 1
    return count


def _order(rows: list[list[int]], pairs: list[tuple[int, int]], sweeps: int) -> list[list[int]]:
    """Reorder each row by the barycentre of its neighbours, keeping the best order found."""
    up_nb: dict[int, list[int]] = {}
    down_nb: dict[int, list[int]] = {}
    for a, b in pairs:  # a in the row above b
        down_nb.setdefault(a, []).append(b)
        up_nb.setdefault(b, []).append(a)

    def total(rs: list[list[int]]) -> int:
        return sum(_crossings(rs[i], rs[i + 1], pairs) for i in range(len(rs) - 1))

    best = [list(r) for r in rows]
    best_count = total(best)
    current = [list(r) for r in rows]
    for sweep in range(sweeps):
        downwards = sweep % 2 == 0
        indices = range(1, len(current)) if downwards else range(len(current) - 2, -1, -1)
        for i in indices:
            fixed = current[i - 1] if downwards else current[i + 1]
            where = {ident: p for p, ident in enumerate(fixed)}
            nb = up_nb if downwards else down_nb

            keyed = []
            for at, ident in enumerate(current[i]):
                around = [where[n] for n in nb.get(ident, []) if n in where]
                keyed.append((sum(around) / len(around) if around else float(at), at, ident))
            current[i] = [ident for _, _, ident in sorted(keyed)]
        count = total(current)
        if count < best_count:
            best, best_count = [list(r) for r in current], count
    return best


def _place(items: list[_Item], left: float, right: float, gap: float, desired: list[float]) -> None:
    """Put a row's items as near their desired left edges as order and no overlap allow.

    A left-to-right pass then a right-to-left pass: when the row fits between `left` and
    `right`, the result keeps every item inside and apart (proved in the tests).
    """
    lo = left
    for item, want in zip(items, desired, strict=True):
        item.x = max(want, lo)
        lo = item.x + item.width + gap
    hi = right
    for item in reversed(items):
        item.x = min(item.x, hi - item.width)
        hi = item.x - gap


def layout(
    bands: Sequence[BandIn],
    nodes: Sequence[NodeIn],
    links: Sequence[tuple[str, str]],
    style: Style | None = None,
) -> Layout:
    """Where every band, box and arrow of a strategy map goes."""
    st = style or Style()
    index = {n.key: i for i, n in enumerate(nodes)}
    seen: set[tuple[str, str]] = set()
    edges_in: list[tuple[int, int]] = []
    for c_key, e_key in links:
        if c_key in index and e_key in index and c_key != e_key and (c_key, e_key) not in seen:
            seen.add((c_key, e_key))
            edges_in.append((index[c_key], index[e_key]))

    n_bands = len(bands)
    items: list[_Item] = [_Item(i, n.band, i) for i, n in enumerate(nodes)]
    rows: list[list[int]] = [[] for _ in range(n_bands)]
    for item in items:
        rows[item.band].append(item.ident)
    # Each link across bands becomes a chain of items, one per band from top to bottom.
    chains: list[list[int]] = []
    pairs: list[tuple[int, int]] = []
    within: list[tuple[int, int]] = []
    for cause, effect in edges_in:
        cb, eb = nodes[cause].band, nodes[effect].band
        if cb == eb:
            within.append((cause, effect))
            chains.append([])
            continue
        top, bottom = (cause, effect) if cb < eb else (effect, cause)
        chain = [top]
        for layer in range(min(cb, eb) + 1, max(cb, eb)):
            through = _Item(len(items), layer, None)
            items.append(through)
            rows[layer].append(through.ident)
            chain.append(through.ident)
        chain.append(bottom)
        chains.append(chain)
        pairs.extend(zip(chain, chain[1:], strict=False))
    rows = _order(rows, pairs, st.sweeps)

    # Widths: boxes share their band's row; the map widens rather than squeeze a box too far.
    left = st.margin + st.gutter
    inner = st.width - st.margin - left
    for row in rows:
        boxes = sum(1 for i in row if items[i].node is not None)
        throughs = len(row) - boxes
        fixed = max(len(row) - 1, 0) * st.gap + throughs * st.through_width
        inner = max(inner, fixed + boxes * st.min_node_width)
    width = left + inner + st.margin
    texts: dict[int, tuple[list[str], bool]] = {}
    row_lines: list[int] = []
    for row in rows:
        boxes = sum(1 for i in row if items[i].node is not None)
        throughs = len(row) - boxes
        fixed = max(len(row) - 1, 0) * st.gap + throughs * st.through_width
        w = min(st.max_node_width, (inner - fixed) / boxes) if boxes else 0.0
        most = 1
        for i in row:
            item = items[i]
            if item.node is None:
                item.width = st.through_width
                continue
            item.width = w
            lines, cut = wrap(nodes[item.node].label, w - 2 * st.pad_x, st.font_size, st.max_lines)
            texts[item.node] = (lines, cut)
            most = max(most, len(lines))
        row_lines.append(most)

    # Arcs for links inside a band: the longer the span, the higher it flies.
    position = {ident: p for row in rows for p, ident in enumerate(row)}
    arcs: list[tuple[int, int, int]] = []  # (cause, effect, level); level -1 = side by side
    levels_used = [0] * n_bands
    taken: list[dict[int, list[tuple[int, int]]]] = [{} for _ in range(n_bands)]
    for cause, effect in sorted(within, key=lambda e: abs(position[e[0]] - position[e[1]])):
        layer = nodes[cause].band
        a, b = sorted((position[cause], position[effect]))
        between = rows[layer][a + 1 : b]
        if not between:
            arcs.append((cause, effect, -1))
            continue
        level = 0
        while any(not (b <= s or e <= a) for s, e in taken[layer].get(level, [])):
            level += 1
        taken[layer].setdefault(level, []).append((a, b))
        levels_used[layer] = max(levels_used[layer], level + 1)
        arcs.append((cause, effect, level))

    out_bands: list[Band] = []
    y = 0.0
    for b, spec in enumerate(bands):
        row_top = y + st.top_padding + levels_used[b] * st.arc_step + (8 if levels_used[b] else 0)
        node_h = 2 * st.pad_y + row_lines[b] * st.line_height + st.status_height
        row_bottom = row_top + node_h
        height = row_bottom + st.row_padding - y
        title, _ = wrap(spec.label, st.gutter - 12, st.title_size, 3)
        out_bands.append(Band(spec.key, spec.label, y, height, row_top, row_bottom, title))
        y += height

    # Horizontal places: spread evenly, then pulled towards linked neighbours a few times.
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    for row in rows:
        used = sum(items[i].width for i in row) + max(len(row) - 1, 0) * st.gap
        x = left + (inner - used) / 2
        for i in row:
            items[i].x = x
            x += items[i].width + st.gap
    for _ in range(4):
        for row in rows:
            desired = []
            for i in row:
                item = items[i]
                nb = neighbours.get(i, [])
                if nb:
                    centre = sum(items[n].x + items[n].width / 2 for n in nb) / len(nb)
                    desired.append((item.x + centre - item.width / 2) / 2)
                else:
                    desired.append(item.x)
            _place([items[i] for i in row], left, left + inner, st.gap, desired)

    out_nodes: list[Node] = []
    for i, n in enumerate(nodes):
        item = items[i]
        box_band = out_bands[n.band]
        lines, cut = texts[i]
        out_nodes.append(
            Node(
                n.key,
                n.band,
                item.x,
                box_band.row_top,
                item.width,
                box_band.row_bottom - box_band.row_top,
                lines,
                cut,
            )
        )

    # Ports: the arrows leaving or reaching a box's edge are spread along it, in the order of
    # where their other ends lie, so that they do not cross at the box.
    ends: dict[tuple[int, str], list[tuple[float, int, int]]] = {}

    def end(node: int, side: str, toward: float, edge: int, which: int) -> None:
        ends.setdefault((node, side), []).append((toward, edge, which))

    for e, (cause, _effect) in enumerate(edges_in):
        chain = chains[e]
        if chain:
            top, bottom = chain[0], chain[-1]
            nxt = items[chain[1]]
            prv = items[chain[-2]]
            end(top, "bottom", nxt.x + nxt.width / 2, e, 0 if top == cause else 1)
            end(bottom, "top", prv.x + prv.width / 2, e, 0 if bottom == cause else 1)
    for cause, effect, level in arcs:
        if level >= 0:
            e = edges_in.index((cause, effect))
            end(cause, "top", items[effect].x, e, 0)
            end(effect, "top", items[cause].x, e, 1)
    port: dict[tuple[int, int], float] = {}
    for (node, _side), lst in ends.items():
        box = out_nodes[node]
        lst.sort()
        span = box.width * 0.7
        for k, (_, e, which) in enumerate(lst):
            port[(e, which)] = box.x + box.width * 0.15 + span * (k + 1) / (len(lst) + 1)

    out_edges: list[Edge] = []
    for e, (cause, effect) in enumerate(edges_in):
        chain = chains[e]
        c_key, e_key = nodes[cause].key, nodes[effect].key
        if chain:
            points: list[tuple[float, float, float]] = []  # x, y entering, y leaving
            for k, ident in enumerate(chain):
                item = items[ident]
                where = out_bands[item.band]
                if k == 0:
                    x = port[(e, 0 if ident == cause else 1)]
                    points.append((x, where.row_bottom, where.row_bottom))
                elif k == len(chain) - 1:
                    x = port[(e, 0 if ident == cause else 1)]
                    points.append((x, where.row_top, where.row_top))
                else:
                    x = item.x + item.width / 2
                    points.append((x, where.row_top, where.row_bottom))
            if chain[0] != cause:  # drawn from the cause, upwards
                points = [(x, b, a) for x, a, b in reversed(points)]
            out_edges.append(Edge(c_key, e_key, _curve(points), False))
            continue
        level = next(lv for c, f, lv in arcs if (c, f) == (cause, effect))
        src, dst = out_nodes[cause], out_nodes[effect]
        if level < 0:
            mid = (src.y + src.bottom) / 2
            if src.x < dst.x:
                d = f"M{src.right:.1f},{mid:.1f} L{dst.x:.1f},{mid:.1f}"
            else:
                d = f"M{src.x:.1f},{mid:.1f} L{dst.right:.1f},{mid:.1f}"
        else:
            x0, x1 = port[(e, 0)], port[(e, 1)]
            lift = src.y - 8 - (level + 1) * st.arc_step * 4 / 3
            edge_y = f"{src.y:.1f}"
            d = f"M{x0:.1f},{edge_y} C{x0:.1f},{lift:.1f} {x1:.1f},{lift:.1f} {x1:.1f},{edge_y}"
        out_edges.append(Edge(c_key, e_key, d, True))
    return Layout(width, y, out_bands, out_nodes, out_edges)


def _curve(points: list[tuple[float, float, float]]) -> str:
    """An SVG path through each point (x, y in, y out): straight through a band, curved between."""
    x, _, y = points[0]
    parts = [f"M{x:.1f},{y:.1f}"]
    for nx, ny_in, ny_out in points[1:]:
        mid = (y + ny_in) / 2
        parts.append(f"C{x:.1f},{mid:.1f} {nx:.1f},{mid:.1f} {nx:.1f},{ny_in:.1f}")
        if ny_out != ny_in:
            parts.append(f"L{nx:.1f},{ny_out:.1f}")
        x, y = nx, ny_out
    return " ".join(parts)
