"""The one unit tree: walks, subtrees and ancestors, and data that is not a tree."""

from __future__ import annotations

from fourfold.core.hierarchy import Hierarchy

#  acme ── north ── team-a
#       └─ south
TREE = Hierarchy({"acme": None, "north": "acme", "team-a": "north", "south": "acme"})


def test_it_walks_depth_first_with_each_depth_and_children_in_their_order() -> None:
    assert list(TREE.walk()) == [("acme", 0), ("north", 1), ("team-a", 2), ("south", 1)]
    assert list(TREE.walk("north")) == [("north", 0), ("team-a", 1)]


def test_it_gives_a_subtree_with_its_top_and_the_ancestors_from_the_top_down() -> None:
    assert TREE.subtree("north") == {"north", "team-a"}
    assert TREE.subtree("acme") == {"acme", "north", "team-a", "south"}
    assert TREE.ancestors("team-a") == ["acme", "north"]
    assert TREE.ancestors("acme") == []
    assert TREE.depths() == {"acme": 0, "north": 1, "team-a": 2, "south": 1}


def test_a_unit_whose_parent_is_unknown_is_a_root() -> None:
    tree = Hierarchy({"a": "gone", "b": "a"})
    assert tree.roots() == ["a"] and list(tree.walk()) == [("a", 0), ("b", 1)]
    assert tree.ancestors("b") == ["a"]


def test_a_cycle_in_the_data_ends_every_walk() -> None:
    tree = Hierarchy({"top": None, "x": "y", "y": "x"})
    assert list(tree.walk()) == [("top", 0)]
    assert tree.subtree("x") == {"x", "y"}
    assert tree.ancestors("x") == ["x", "y"]  # ends where it began, not forever
    assert set(tree.depths()) == {"top", "x", "y"}
