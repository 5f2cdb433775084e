"""The Content-Security-Policy on every response, the HTTPS settings, and the trusted origins
that sign-in through an HTTPS proxy needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.security import https_settings
from tests.web import cards

PACKAGE = Path(__file__).resolve().parents[2] / "fourfold"


def policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
def test_every_kind_of_response_carries_a_policy_of_own_scripts_and_style_sheets_only(
    client: Client,
) -> None:
    cards.load_small()
    ada = User.objects.create_user("ada", password="correct horse")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    anonymous = [client.get("/accounts/login/"), client.get("/api/v1/units")]
    client.force_login(ada)
    paths = ["/", "/units/acme/", "/units/acme/map/", "/api/v1/docs", "/api/v1/openapi.json"]
    paths += ["/units/nowhere/", "/static/fourfold/app.css"]
    answers = anonymous + [client.get(path, follow=True) for path in paths]
    token = {"Authorization": f"Bearer {ApiToken.issue(ada, 'reader', 'read')[1]}"}
    answers += [client.get(path, headers=token) for path in ("/api/v1/units", "/api/v1/kpis/x")]
    assert [a.status_code for a in answers] == [
        200,
        401,
        200,
        200,
        200,
        200,
        200,
        404,
        200,
        200,
        404,
    ]
    for answer in answers:
        found = policy(answer.headers["Content-Security-Policy"])
        assert found["default-src"] == ["'self'"]
        assert found["script-src"] == ["'self'"]
        assert found["style-src"] == ["'self'"]
        assert found["object-src"] == found["frame-ancestors"] == ["'none'"]
        # Only style attributes may be inline (CSS variables of colours and widths), never code.
        unsafe = {name for name, sources in found.items() if "'unsafe-inline'" in sources}
        assert unsafe == {"style-src-attr"}
        assert not any("'unsafe-eval'" in sources for sources in found.values())


SCRIPT = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_holds_a_script_an_event_handler_or_a_style_element() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        text = path.read_text()
        where = path.relative_to(PACKAGE)
        for tag in SCRIPT.findall(text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{where}: {tag}")
        found += [f"{where}: an event attribute" for _ in HANDLER.findall(text)]
        # The strategy map's downloaded SVG file keeps its own styles; the page never gets them.
        styles = text.count("<style")
        if styles and "{% if standalone %}<style>" not in text:
            found.append(f"{where}: a <style> element")
    assert not found, "\n".join(found)


def test_https_is_off_until_the_setting_says_so() -> None:
    off = https_settings({})
    assert off["SECURE_SSL_REDIRECT"] is False
    assert off["SECURE_HSTS_SECONDS"] == 0
    assert off["SESSION_COOKIE_SECURE"] is off["CSRF_COOKIE_SECURE"] is False
    assert off["SECURE_PROXY_SSL_HEADER"] is None
    assert off["CSRF_TRUSTED_ORIGINS"] == []
    on = https_settings({"FOURFOLD_HTTPS": "1", "FOURFOLD_HSTS_PRELOAD": "yes"})
    assert on["SECURE_SSL_REDIRECT"] is True
    assert on["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is on["SECURE_HSTS_PRELOAD"] is True
    assert on["SESSION_COOKIE_SECURE"] is on["CSRF_COOKIE_SECURE"] is True
    # Each may still be set apart: a short HSTS while trying, cookies left to the proxy.
    trial = https_settings(
        {"FOURFOLD_HTTPS": "1", "FOURFOLD_HSTS_SECONDS": "300", "FOURFOLD_SECURE_COOKIES": "no"}
    )
    assert (trial["SECURE_HSTS_SECONDS"], trial["SESSION_COOKIE_SECURE"]) == (300, False)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"FOURFOLD_CSRF_TRUSTED_ORIGINS": "https://a.example, bsc.example.com"},
            "FOURFOLD_CSRF_TRUSTED_ORIGINS: 'bsc.example.com' needs its scheme, as in "
            "'https://bsc.example.com'",
        ),
        ({"FOURFOLD_HTTPS": "maybe"}, "FOURFOLD_HTTPS must be true or false, not 'maybe'"),
        (
            {"FOURFOLD_HSTS_SECONDS": "-1"},
            "FOURFOLD_HSTS_SECONDS must be a whole number of at least 0, not '-1'",
        ),
    ],
)
def test_it_refuses_a_setting_it_cannot_read_in_one_sentence(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        https_settings(environ)
    assert str(refused.value) == message


def https(settings: Any, **environ: str) -> None:
    settings.ALLOWED_HOSTS = ["bsc.example.com"]
    for name, value in https_settings({"FOURFOLD_HTTPS": "1", **environ}).items():
        setattr(settings, name, value)


@pytest.mark.django_db
def test_behind_a_proxy_it_redirects_plain_http_and_marks_https_answers(settings: Any) -> None:
    https(settings, FOURFOLD_BEHIND_PROXY="1")
    client = Client(HTTP_HOST="bsc.example.com")
    plain = client.get("/accounts/login/?next=/")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://bsc.example.com/accounts/login/?next=/"
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert secure.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_sign_in_through_an_https_proxy_needs_the_trusted_origin(settings: Any) -> None:
    # A proxy that ends HTTPS and passes plain HTTP on, without saying so in a header: the
    # browser's Origin (https://…) is not the origin the application sees (http://…).
    User.objects.create_user("ada", password="correct horse")
    https(settings, FOURFOLD_HTTPS="0")

    def sign_in() -> int:
        client = Client(enforce_csrf_checks=True, HTTP_HOST="bsc.example.com")
        client.get("/accounts/login/")
        form = {"username": "ada", "password": "correct horse"}
        form["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        answer = client.post(
            "/accounts/login/", form, headers={"Origin": "https://bsc.example.com"}
        )
        return answer.status_code

    assert sign_in() == 403
    trusted = https_settings({"FOURFOLD_CSRF_TRUSTED_ORIGINS": "https://bsc.example.com"})
    settings.CSRF_TRUSTED_ORIGINS = trusted["CSRF_TRUSTED_ORIGINS"]
    assert sign_in() == 302
