"""Single sign-on's settings and pages without a provider: off unless configured, one sentence
for a setting that cannot work, the button only when it is on, the policy that lets signing
out go on to the provider. The flow itself, against a real provider: test_sso_browser.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from fourfold import security, sso

from .sso_provider import switch_on

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "FOURFOLD_OIDC_CLIENT_ID": "fourfold",
    "FOURFOLD_OIDC_CLIENT_SECRET": "s3cret",
    "FOURFOLD_OIDC_AUTHORIZATION_ENDPOINT": "https://id.example.com/authorize",
    "FOURFOLD_OIDC_TOKEN_ENDPOINT": "https://id.example.com/token",
    "FOURFOLD_OIDC_USERINFO_ENDPOINT": "https://id.example.com/userinfo",
    "FOURFOLD_OIDC_JWKS_ENDPOINT": "https://id.example.com/jwks",
    "FOURFOLD_OIDC_END_SESSION_ENDPOINT": "https://logout.example.com/end",
    "FOURFOLD_OIDC_PROVIDER_NAME": "Okta",
}


def test_it_is_off_unless_a_client_id_is_set() -> None:
    assert sso.oidc_settings({}) == {"SSO_ENABLED": False}
    off = sso.applied(sso.oidc_settings({}), ["a.Backend"], security.POLICY)
    assert off["AUTHENTICATION_BACKENDS"] == ["a.Backend"]
    assert off["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    ("environ", "sentence"),
    [
        (
            {"FOURFOLD_OIDC_CLIENT_ID": "x"},
            "FOURFOLD_OIDC_CLIENT_ID is set, so single sign-on needs FOURFOLD_OIDC_ISSUER (or "
            "FOURFOLD_OIDC_AUTHORIZATION_ENDPOINT, FOURFOLD_OIDC_TOKEN_ENDPOINT, "
            "FOURFOLD_OIDC_USERINFO_ENDPOINT)",
        ),
        (
            {"FOURFOLD_OIDC_CLIENT_ID": "x", "FOURFOLD_OIDC_ISSUER": "login.example.com"},
            "FOURFOLD_OIDC_ISSUER must be a URL (https://…), not 'login.example.com'",
        ),
        (
            {**ENDPOINTS, "FOURFOLD_OIDC_TOKEN_ENDPOINT": "token"},
            "FOURFOLD_OIDC_TOKEN_ENDPOINT must be a URL (https://…), not 'token'",
        ),
    ],
)
def test_a_setting_that_cannot_work_is_one_sentence(environ: dict[str, str], sentence: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        sso.oidc_settings(environ)
    assert str(refused.value) == sentence


def test_signing_out_may_go_on_to_the_provider_and_nowhere_else() -> None:
    on = sso.applied(sso.oidc_settings(ENDPOINTS), ["a.Backend"], security.POLICY)
    assert on["AUTHENTICATION_BACKENDS"] == ["a.Backend", sso.BACKEND]
    assert on["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https://logout.example.com",
    ]
    assert security.POLICY["form-action"] == ["'self'"]


def test_without_it_there_is_no_button_and_no_such_page(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in html
    assert client.get("/accounts/sso/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=a&state=b").status_code == 404


def test_with_it_the_button_sends_to_the_provider_with_a_state_a_nonce_and_pkce(
    client: Client, settings: Any
) -> None:
    switch_on(settings, ENDPOINTS)
    html = client.get("/accounts/login/?next=/units/acme/").content.decode()
    assert 'href="/accounts/sso/?next=/units/acme/">Sign in with Okta</a>' in html
    answer = client.get("/accounts/sso/?next=/units/acme/")
    assert answer.status_code == 302
    where = urlsplit(answer["Location"])
    query = parse_qs(where.query)
    assert f"{where.scheme}://{where.netloc}{where.path}" == "https://id.example.com/authorize"
    assert query["client_id"] == ["fourfold"] and query["response_type"] == ["code"]
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver/accounts/sso/callback/"]
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    header = answer["Content-Security-Policy"]
    assert "form-action 'self' https://logout.example.com" in header


def test_the_provider_saying_no_is_said_on_the_sign_in_page(client: Client, settings: Any) -> None:
    switch_on(settings, ENDPOINTS)
    answer = client.get(
        "/accounts/sso/callback/?error=access_denied&error_description=The+user+cancelled",
        follow=True,
    )
    assert answer.redirect_chain == [("/accounts/login/", 302)]
    assert "Okta did not sign you in: The user cancelled." in answer.content.decode()


def test_signing_out_without_the_provider_stays_here(client: Client, settings: Any) -> None:
    switch_on(settings, ENDPOINTS)
    client.force_login(User.objects.create_user("ada"))
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
