"""The strategy map and the objective page show alignment both ways, as far as one may see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.strategy.models import Unit
from tests.web.entry_helpers import text_of

CARD = """\
organization: {name: Acme}
units:
  - code: top
    name: Top
    perspectives:
      - code: fin
        name: Financial
        objectives:
          - {code: grow, name: Grow revenue, kpis: []}
          - {code: keep, name: Keep customers, kpis: []}
  - code: team
    name: Team
    parent: top
    perspectives:
      - code: t-fin
        name: Financial
        objectives:
          - code: t-sell
            name: Sell more
            aligned_to: [{objective: grow, contributes: true, weight: 2}, keep]
            kpis: []
"""


@pytest.fixture
def aligned(db: None) -> None:
    load(CARD, actor=None, source_name="card.yaml")


def _reader(unit: str | None) -> Client:
    someone = User.objects.create_user(f"r-{unit}", password="x")
    place = None if unit is None else Unit.objects.get(code=unit)
    Role.objects.create(user=someone, kind=Role.Kind.VIEWER, unit=place)
    client = Client()
    client.force_login(someone)
    return client


def test_the_map_above_shows_what_serves_it_from_below(aligned: None) -> None:
    text = text_of(_reader(None).get("/units/top/map/?period=2026-01").content)
    assert (
        "Served from below Grow revenue is served by ↓ Sell more Team counts in its score" in text
    )
    assert "Keep customers is served by ↓ Sell more Team supports it" in text


def test_the_map_below_shows_what_it_serves_above_unless_the_reader_may_not_see_it(
    aligned: None,
) -> None:
    text = text_of(_reader(None).get("/units/team/map/?period=2026-01").content)
    assert "Serves above Sell more serves ↑ Grow revenue Top counts in its score" in text
    assert "Sell more serves ↑ Grow revenue Top counts in its score ↑ Keep customers Top" in text
    hidden = text_of(_reader("team").get("/units/team/map/?period=2026-01").content)
    assert "Grow revenue" not in hidden and "Keep customers" not in hidden
    assert "No objective here is aligned to one of a unit above." in hidden


def test_the_objective_page_shows_both_ways_with_weights(aligned: None) -> None:
    client = _reader(None)
    below = text_of(client.get("/units/team/objectives/t-sell/?period=2026-01").content)
    assert "Serves above Grow revenue Top this score counts in it, weight 2" in below
    assert "Keep customers Top supports it, does not count" in below
    above = text_of(client.get("/units/top/objectives/grow/?period=2026-01").content)
    assert "Served by units below Sell more Team — No data counts in this score, weight 2" in above
