"""Roll KPI scores and coverage up the tree: objectives, perspectives, then scorecards.

Nodes are numbered KPIs first, then objectives, perspectives and scorecards. The tree is
laid out once as waves of edges child -> parent, deepest objectives first; each view then
rolls its KPI scores through the same waves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import rollup, scoring, segments
from .grid import B, F, Inputs, Ints
from .rollup import ROLLUPS


@dataclass
class _Step:
    """The parents of one wave that share a roll-up method and a scheme, and their edges."""

    nodes: Ints
    child: Ints
    parent: Ints  # index into nodes
    weight: F
    method: str
    scheme: scoring.Scheme


@dataclass
class _Wave:
    nodes: Ints  # every parent of the wave
    # Its edges from KPIs and from objectives or perspectives below, each sorted by parent
    # (coverage counts do not depend on the order).
    kpi_child: Ints
    kpi_parent: Ints  # index into nodes
    node_child: Ints
    node_parent: Ints  # index into nodes
    steps: list[_Step]


@dataclass
class Tree:
    n_kpis: int
    n_nodes: int
    node_scheme: Ints
    best: Ints  # each node's best status
    waves: list[_Wave]


@dataclass
class Rolled:
    score: F
    status: Ints
    expected: Ints
    reported: Ints
    overdue: Ints
    at_best: B


def layout(inp: Inputs, node_scheme: Ints) -> Tree:
    """The waves of the tree, each with its steps, for every view to roll through."""
    n_k = len(inp.kpi_frequency)
    n_total = len(node_scheme)
    node_rollup = np.concatenate(
        [np.zeros(n_k, dtype=np.int64), inp.obj_rollup, inp.persp_rollup, inp.card_rollup]
    )
    waves = []
    for child, parent, weight, nodes in _edges(inp):
        if len(nodes) == 0:
            continue
        local = np.full(n_total, -1, dtype=np.int64)
        local[nodes] = np.arange(len(nodes))
        steps = []
        for method in np.unique(node_rollup[nodes]):
            for scheme_index in np.unique(node_scheme[nodes]):
                same = (node_rollup[nodes] == method) & (node_scheme[nodes] == scheme_index)
                if same.any():
                    scheme = inp.schemes[int(scheme_index)]
                    chosen = nodes[same]
                    steps.append(_step(chosen, child, parent, weight, ROLLUPS[int(method)], scheme))
        from_kpi = child < n_k
        kpi_child, kpi_parent = _by_parent(child[from_kpi], local[parent[from_kpi]])
        node_child, node_parent = _by_parent(child[~from_kpi], local[parent[~from_kpi]])
        waves.append(_Wave(nodes, kpi_child, kpi_parent, node_child, node_parent, steps))
    best = np.array([max(len(s.statuses) - 1, 0) for s in inp.schemes], dtype=np.int64)
    return Tree(n_k, n_total, node_scheme, best[node_scheme], waves)


def _edges(inp: Inputs) -> list[tuple[Ints, Ints, F, Ints]]:
    """Edges child -> parent in node numbering, with the child's weight, and their parents."""
    n_k, n_o = len(inp.kpi_frequency), len(inp.obj_depth)
    n_p, n_c = len(inp.persp_scorecard), len(inp.card_rollup)
    o0, p0, c0 = n_k, n_k + n_o, n_k + n_o + n_p
    unscored = np.array([s.type == "unscored" for s in inp.schemes], dtype=bool)
    scored_kpis = np.flatnonzero(
        ~unscored[inp.kpi_scheme] & (inp.kpi_objective >= 0) if n_k else np.zeros(0, dtype=bool)
    )
    obj_ids = np.arange(n_o)
    edges: list[tuple[Ints, Ints, F, Ints]] = []
    # Deepest objectives first: each objective's children are scored before it.
    for depth in sorted(set(inp.obj_depth.tolist()), reverse=True):
        parents = obj_ids[inp.obj_depth == depth]
        in_wave = np.zeros(n_o, dtype=bool)
        in_wave[parents] = True
        k = scored_kpis[in_wave[inp.kpi_objective[scored_kpis]]]
        a = np.flatnonzero(in_wave[inp.align_parent])
        child = np.concatenate([k, o0 + inp.align_child[a]])
        parent = np.concatenate([o0 + inp.kpi_objective[k], o0 + inp.align_parent[a]])
        weight = np.concatenate([inp.kpi_weight[k], inp.align_weight[a]])
        edges.append((child, parent, weight, o0 + parents))
    edges.append((o0 + obj_ids, p0 + inp.obj_perspective, inp.obj_weight, p0 + np.arange(n_p)))
    edges.append(
        (p0 + np.arange(n_p), c0 + inp.persp_scorecard, inp.persp_weight, c0 + np.arange(n_c))
    )
    return edges


def _step(
    chosen: Ints, child: Ints, parent: Ints, weight: F, method: str, scheme: scoring.Scheme
) -> _Step:
    """The edges into the chosen nodes, sorted by parent with each one's children in order.

    Sums per parent add the children in the same order either way, so they stay the same.
    """
    local = np.full(int(max(parent.max(initial=0), chosen.max(initial=0))) + 1, -1)
    local[chosen] = np.arange(len(chosen))
    mine = local[parent] >= 0
    order = np.argsort(local[parent[mine]], kind="stable")
    return _Step(
        chosen,
        child[mine][order],
        local[parent[mine]][order],
        weight[mine][order].astype(np.float64),
        method,
        scheme,
    )


def _by_parent(child: Ints, parent: Ints) -> tuple[Ints, Ints]:
    order = np.argsort(parent, kind="stable")
    return child[order], parent[order]


def roll_up(
    tree: Tree, kpi_score: F, kpi_status: Ints, kpi_expected: B, kpi_reported: B, kpi_overdue: B
) -> Rolled:
    """Scores, statuses and coverage of every node, from the KPIs' (KPIs x periods)."""
    n_k, n_p = kpi_score.shape
    shape = (tree.n_nodes, n_p)
    score, status = np.empty(shape), np.empty(shape, dtype=np.int64)
    expected, reported, overdue = (np.empty(shape, dtype=np.int64) for _ in range(3))
    # KPI rows as given, node rows empty until their wave: each array is written once.
    for out, kpis, empty in (
        (score, kpi_score, np.nan),
        (status, kpi_status, -1),
        (expected, kpi_expected, 0),
        (reported, kpi_reported, 0),
        (overdue, kpi_overdue, 0),
    ):
        out[:n_k] = kpis
        out[n_k:] = empty
    at_best = np.zeros(shape, dtype=bool)
    at_best[:n_k] = (kpi_status == tree.best[:n_k, None]) & (kpi_status >= 0)
    for wave in tree.waves:
        n = len(wave.nodes)
        # A KPI has reported when it has a value; a node below, when it has a score. Nodes
        # below are read before this wave adds to any node.
        node_expected = expected[wave.node_child] > 0
        node_reported = node_expected & np.isfinite(score[wave.node_child])
        node_overdue = node_expected & (overdue[wave.node_child] > 0)
        kpi_expected_here = kpi_expected[wave.kpi_child]
        for counts, from_kpis, from_nodes in (
            (expected, kpi_expected_here, node_expected),
            (reported, kpi_expected_here & kpi_reported[wave.kpi_child], node_reported),
            (overdue, kpi_expected_here & kpi_overdue[wave.kpi_child], node_overdue),
        ):
            counts[wave.nodes] += segments.segment_count(
                from_kpis, wave.kpi_parent, n
            ) + segments.segment_count(from_nodes, wave.node_parent, n)
        for step in wave.steps:
            s, st = rollup.rollup_v(
                score[step.child],
                at_best[step.child],
                step.parent,
                step.weight,
                len(step.nodes),
                step.method,
                step.scheme if step.method == "share_met" else None,
            )
            best = len(step.scheme.statuses) - 1
            if st is None:
                st = rollup.status_from_score_v(s, len(step.scheme.statuses))
            st = np.where(np.isnan(s), -1, st)
            score[step.nodes], status[step.nodes] = s, st
            at_best[step.nodes] = st == best
    status[np.isnan(score)] = -1
    return Rolled(score, status, expected, reported, overdue, at_best)
