"""A refusal (403) is a styled page with its reason and the ways back, and one line in the log."""

from __future__ import annotations

import logging
import sys

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from fourfold.web.logs import OneLineRefusals
from fourfold.web.views import refused

from . import cards

pytestmark = pytest.mark.django_db

DESIGN = "/units/acme/design/"


def test_it_shows_the_reason_of_a_refusal_on_the_site_s_own_page(signed_in: Client) -> None:
    cards.load_small()
    answer = signed_in.get(DESIGN)
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "<title>Not allowed — Fourfold</title>" in html
    assert '<header class="site-header">' in html
    assert "<p>You may view this scorecard but not change it.</p>" in html
    assert "You are signed in as ada." in html
    assert '<a href="/">Go to the scorecards</a>' in html
    assert "Go back" not in html


def test_it_offers_the_way_back_to_the_page_of_this_site_one_came_from(signed_in: Client) -> None:
    cards.load_small()
    here = signed_in.get(DESIGN, HTTP_REFERER="http://testserver/units/acme/?period=2026-01")
    assert '<a href="/units/acme/?period=2026-01">Go back</a>' in here.content.decode()
    elsewhere = signed_in.get(DESIGN, HTTP_REFERER="https://evil.example/units/acme/")
    assert "Go back" not in elsewhere.content.decode()


def test_it_says_a_plain_sentence_for_a_refusal_without_a_reason(user: User) -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    answer = refused(request, PermissionDenied())
    assert answer.status_code == 403
    assert "<p>You may not do this here.</p>" in answer.content.decode()


def test_it_logs_a_refusal_as_one_line_without_a_traceback(
    signed_in: Client, caplog: pytest.LogCaptureFixture
) -> None:
    cards.load_small()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        signed_in.get(DESIGN)
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    line = logging.Formatter().format(record)
    assert line == (f"Refused GET {DESIGN} to ada: You may view this scorecard but not change it.")


def test_it_still_logs_a_fault_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise ValueError("a real fault")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, "", 0, "boom", (), sys.exc_info()
        )
    assert OneLineRefusals().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


def test_a_form_refused_for_its_csrf_token_says_so_on_the_site_s_page(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "<h1>The form was not sent</h1>" in html
    assert '<header class="site-header">' in html
    assert "CSRF verification failed" not in html
    assert "Nothing was saved: the form was older than your sign-in" in html
