"""Pages under load: a unit's scores, however quick to compute, are kept between requests and
brought up to date after a write, not computed again at every request. Outside a test
transaction, as requests run (inside one nothing is kept)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.scoring import cache
from tests.web import cards

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/units/acme/?period=2026-02"


def test_it_serves_a_small_units_scorecard_again_from_its_kept_scores(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    caches[cache.ALIAS].clear()
    cards.load_small()  # a unit scored in a few milliseconds
    client = Client()
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    assert client.get(URL).status_code == 200

    # The revision, then the page's own queries (the forecasts the worker kept among them):
    # the unit's rows are not read again.
    with django_assert_num_queries(13):
        assert client.get(URL).status_code == 200
    caches[cache.ALIAS].clear()
