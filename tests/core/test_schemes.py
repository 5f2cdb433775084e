"""Scoring schemes: the built-in ones, and those a scorecard file defines or gets refused."""

from decimal import Decimal

import pytest

from fourfold.core.scoring import (
    BUILTIN,
    DEFAULT,
    SHARE_MET,
    UNSCORED,
    YES_NO,
    Scheme,
    SchemeError,
    Status,
    scheme_from_spec,
)
from tests.core.schemes import GOV, bands, spec_error

# Built-in schemes


def test_it_ships_the_default_scheme_red_amber_green_worst_first():
    assert DEFAULT.name == "default"
    assert DEFAULT.type == "goal_red_flag"
    assert [(s.name, s.color) for s in DEFAULT.statuses] == [
        ("red", "red"),
        ("amber", "amber"),
        ("green", "green"),
    ]
    assert DEFAULT.mins == ()
    assert DEFAULT.best == 2


def test_it_ships_yes_no_and_unscored():
    assert YES_NO.statuses == (Status("No", "red"), Status("Yes", "green"))
    assert YES_NO.best == 1
    assert (UNSCORED.type, UNSCORED.statuses) == ("unscored", ())
    assert BUILTIN == {"default": DEFAULT, "yes_no": YES_NO, "unscored": UNSCORED}


def test_it_ships_share_met_with_met_from_100_and_mostly_met_from_75():
    assert SHARE_MET.type == "percent_of_target"
    assert [s.name for s in SHARE_MET.statuses] == ["Not met", "Mostly met", "Met"]
    assert [s.color for s in SHARE_MET.statuses] == ["red", "amber", "green"]
    assert SHARE_MET.mins == (Decimal(75), Decimal(100))


def test_it_refuses_a_scheme_whose_parts_do_not_fit_its_type():
    red, green = Status("red", "red"), Status("green", "green")
    with pytest.raises(SchemeError, match="cannot have 2 statuses for goal_red_flag"):
        Scheme("x", "goal_red_flag", (red, green))
    with pytest.raises(SchemeError, match="needs 1 band mins in ascending order"):
        Scheme("x", "percent_of_target", (red, green))
    with pytest.raises(SchemeError, match="ascending"):
        Scheme("x", "percent_of_target", (red, Status("a", "a"), green), (Decimal(9), Decimal(1)))
    with pytest.raises(SchemeError, match="names a status twice"):
        Scheme("x", "yes_no", (red, Status("Red", "red")))
    with pytest.raises(SchemeError, match="unknown type 'stars'"):
        Scheme("x", "stars", ())


# Schemes from the scorecard file


def test_it_reads_the_design_example_of_percent_bands():
    assert GOV.name == "gov"
    assert GOV.type == "percent_of_target"
    assert [(s.name, s.color) for s in GOV.statuses] == [
        ("Not met", "red"),
        ("Slightly below", "amber"),
        ("Met", "green"),
    ]
    assert GOV.mins == (Decimal(95), Decimal(100))


def test_it_keeps_band_mins_exact_in_decimal():
    scheme = bands(99.9, 95.5, 0.1)
    assert scheme.mins == (Decimal("0.1"), Decimal("95.5"), Decimal("99.9"))
    assert bands("97.5").mins == (Decimal("97.5"),)


def test_it_colours_bands_sensibly_when_no_color_is_given():
    assert [s.color for s in bands(100).statuses] == ["red", "green"]
    assert [s.color for s in bands(100, 90).statuses] == ["red", "amber", "green"]
    assert [s.color for s in bands(100, 90, 80).statuses] == ["red", "orange", "amber", "green"]


def test_it_accepts_the_last_band_as_a_plain_name():
    scheme = scheme_from_spec(
        "two", {"type": "percent_of_target", "bands": [{"status": "Met", "min": 100}, "Not met"]}
    )
    assert [s.name for s in scheme.statuses] == ["Not met", "Met"]


def test_it_reads_renamed_goal_red_flag_statuses_worst_first():
    scheme = scheme_from_spec(
        "traffic",
        {
            "type": "goal_red_flag",
            "statuses": [
                {"status": "Off track", "color": "#c62828"},
                "At risk",
                {"status": "On track"},
            ],
        },
    )
    assert scheme.statuses == (
        Status("Off track", "#c62828"),
        Status("At risk", "amber"),
        Status("On track", "green"),
    )


def test_it_gives_goal_red_flag_the_default_statuses_when_none_are_named():
    assert scheme_from_spec("plain", {"type": "goal_red_flag"}).statuses == DEFAULT.statuses


def test_it_reads_yes_no_and_unscored_schemes():
    assert scheme_from_spec("done", {"type": "yes_no"}).statuses == YES_NO.statuses
    assert scheme_from_spec("info", {"type": "unscored"}).statuses == ()


def test_it_refuses_a_band_min_not_below_the_band_above():
    spec = {
        "type": "percent_of_target",
        "bands": [
            {"status": "Met", "min": 100, "color": "green"},
            {"status": "Slightly below", "min": 105, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    }
    assert spec_error(spec) == (
        "scheme 'gov', band 2 'Slightly below': "
        "its min 105 is not below the min of the band above it (100)"
    )


def test_it_refuses_two_bands_with_the_same_min():
    spec = {
        "type": "percent_of_target",
        "bands": [{"status": "A", "min": 95.0}, {"status": "B", "min": 95}, "C"],
    }
    assert "band 2 'B': its min 95 is not below the min of the band above it (95)" in spec_error(
        spec
    )


def test_it_refuses_a_min_on_the_last_band():
    spec = {
        "type": "percent_of_target",
        "bands": [{"status": "Met", "min": 100}, {"status": "Not met", "min": 0}],
    }
    assert spec_error(spec) == (
        "scheme 'gov', band 2 'Not met': the last band takes no min, "
        "it covers everything below the band above it"
    )


def test_it_refuses_a_band_without_a_min_above_the_last():
    spec = {"type": "percent_of_target", "bands": [{"status": "Met"}, {"status": "Not met"}]}
    assert spec_error(spec) == (
        "scheme 'gov', band 1 'Met': it needs a min, the lowest percent of target it covers"
    )


@pytest.mark.parametrize("bad", ["lots", True, None, [], "nan", float("inf")])
def test_it_refuses_a_min_that_is_not_a_finite_number(bad):
    spec = {"type": "percent_of_target", "bands": [{"status": "Met", "min": bad}, "Not met"]}
    message = spec_error(spec)
    assert message.startswith("scheme 'gov', band 1 'Met': ")
    assert "number" in message or "needs a min" in message


def test_it_refuses_fewer_than_two_bands():
    assert spec_error({"type": "percent_of_target", "bands": ["All"]}) == (
        "scheme 'gov' needs at least 2 bands, best first (got 1)"
    )
    assert "needs bands" in spec_error({"type": "percent_of_target"})
    assert "needs bands" in spec_error({"type": "percent_of_target", "bands": "Met"})


def test_it_refuses_two_bands_with_the_same_status_name():
    spec = {
        "type": "percent_of_target",
        "bands": [{"status": "Met", "min": 100}, {"status": "met", "min": 90}, "x"],
    }
    assert spec_error(spec) == (
        "scheme 'gov', band 2 'met': the status name is already used by band 1"
    )


def test_it_refuses_a_band_without_a_status_name():
    spec = {"type": "percent_of_target", "bands": [{"min": 100}, "Not met"]}
    assert spec_error(spec) == "scheme 'gov', band 1: it has no status name"
    spec = {"type": "percent_of_target", "bands": [{"status": "  ", "min": 100}, "Not met"]}
    assert "band 1: it has no status name" in spec_error(spec)


def test_it_asks_to_quote_a_status_name_that_yaml_read_as_a_boolean():
    spec = {"type": "yes_no", "statuses": [{"status": False}, {"status": True}]}
    assert spec_error(spec) == (
        "scheme 'gov', status 1: its status name must be text; quote it, as in status: 'No'"
    )


def test_it_refuses_a_colour_that_is_not_text():
    spec = {"type": "percent_of_target", "bands": [{"status": "Met", "min": 100, "color": 3}, "x"]}
    assert "band 1: its color must be text" in spec_error(spec)


def test_it_refuses_an_unknown_key_in_a_band():
    spec = {
        "type": "percent_of_target",
        "bands": [{"status": "Met", "min": 100, "colour": "g"}, "x"],
    }
    assert spec_error(spec) == (
        "scheme 'gov', band 1: unknown key 'colour' (it takes status, min, color)"
    )


def test_it_refuses_a_band_that_is_not_a_mapping():
    spec = {"type": "percent_of_target", "bands": [100, "x"]}
    assert "band 1: write it as {status: NAME, min: NUMBER, color: COLOR}" in spec_error(spec)


def test_it_refuses_a_goal_red_flag_scheme_without_exactly_three_statuses():
    assert spec_error({"type": "goal_red_flag", "statuses": ["bad", "good"]}) == (
        "scheme 'gov' needs exactly 3 statuses for goal_red_flag, worst first (got 2)"
    )
    assert "exactly 2 statuses for yes_no" in spec_error({"type": "yes_no", "statuses": ["a"]})
    assert "(got no list)" in spec_error({"type": "goal_red_flag", "statuses": "red"})


def test_it_refuses_a_scheme_without_a_known_type():
    assert spec_error({"bands": []}) == (
        "scheme 'gov' has no type: use goal_red_flag, percent_of_target, yes_no or unscored"
    )
    assert "has an unknown type 'stars'" in spec_error({"type": "stars"})
    assert "must be a mapping" in spec_error(["Met"])


def test_it_refuses_keys_a_scheme_type_does_not_take():
    assert spec_error({"type": "percent_of_target", "statuses": []}) == (
        "scheme 'gov' has an unknown key 'statuses': "
        "a percent_of_target scheme takes type and bands"
    )
    assert "takes only type" in spec_error({"type": "unscored", "statuses": []})
