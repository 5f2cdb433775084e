"""Signing in and out through the styled pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from . import cards

pytestmark = pytest.mark.django_db


def test_it_shows_a_labelled_login_form(client: Client) -> None:
    html = client.get("/accounts/login/?next=/units/acme/").content.decode()
    assert '<html lang="en">' in html
    assert 'for="id_username">Username</label>' in html
    assert 'for="id_password">Password</label>' in html
    assert 'autocomplete="current-password"' in html
    assert '<input type="hidden" name="next" value="/units/acme/">' in html
    assert "fourfold/app.css" in html and "//cdn" not in html


def test_it_signs_in_and_goes_where_the_user_was_going(client: Client, user: User) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": "ada", "password": "correct horse", "next": "/units/acme/"},
    )
    assert response.status_code == 302 and response["Location"] == "/units/acme/"


def test_it_says_when_the_password_is_wrong(client: Client, user: User) -> None:
    response = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert b"Please enter a correct username and password" in response.content


def test_it_shows_the_organization_user_and_a_sign_out_form(signed_in: Client) -> None:
    cards.load_small()
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert '<span class="site-header__org">Acme Test</span>' in html
    assert ">Ada</span>" in html
    form = html[html.index('<form method="post" action="/accounts/logout/">') :]
    assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")]
    # htmx comes from the application itself, never from a CDN.
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html


def test_it_signs_out_with_a_post(signed_in: Client) -> None:
    response = signed_in.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert signed_in.get("/")["Location"].startswith("/accounts/login/")
