from fourfold.core.alignment import cycle


def test_it_finds_no_cycle_in_a_tree_of_alignments() -> None:
    assert cycle({"team": ["dept", "other"], "dept": ["top"], "other": ["top"]}) is None


def test_it_finds_an_objective_aligned_to_itself() -> None:
    assert cycle({"a": ["a"]}) == ["a", "a"]


def test_it_names_the_objectives_of_a_longer_cycle() -> None:
    found = cycle({"x": ["a"], "a": ["b"], "b": ["c"], "c": ["a"]})
    assert found is not None and found[0] == found[-1]
    assert set(found) == {"a", "b", "c"}
