"""A missing page (404) says what is missing when the code said it, and offers the way back."""

from __future__ import annotations

import pytest
from django.test import Client

from . import cards

pytestmark = pytest.mark.django_db


def test_it_says_which_unit_there_is_none_of(signed_in: Client) -> None:
    cards.load_small()
    answer = signed_in.get("/units/nope/")
    assert answer.status_code == 404
    html = answer.content.decode()
    assert "<title>Not found — Fourfold</title>" in html
    assert "<p>There is no unit with the code &#x27;nope&#x27;.</p>" in html
    assert '<a href="/">Go to the scorecards</a>' in html


def test_it_keeps_django_s_own_words_from_people(signed_in: Client) -> None:
    html = signed_in.get("/no/such/page/").content.decode()
    assert "<p>There is no page at this address.</p>" in html
    assert "Request Path" not in html and "tried these URL patterns" not in html


def test_it_offers_the_way_back_to_the_page_of_this_site_one_came_from(
    signed_in: Client,
) -> None:
    cards.load_small()
    html = signed_in.get("/units/nope/", HTTP_REFERER="http://testserver/scorecards/").content
    assert b'<a href="/scorecards/">Go back</a>' in html
    html = signed_in.get("/units/nope/", HTTP_REFERER="https://elsewhere.example/").content
    assert b"Go back" not in html
