"""/api/v1/ itself: the links to the docs, the OpenAPI description and the tokens page, as HTML
to a browser and as JSON to a program, with no token and nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LINKS = {
    "docs": "http://testserver/api/v1/docs",
    "openapi": "http://testserver/api/v1/openapi.json",
    "tokens": "http://testserver/api-tokens/",
    "app": "http://testserver/",
}


def test_it_answers_a_program_with_the_links_in_json() -> None:
    answer = Client().get("/api/v1/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    assert "Accept" in answer["Vary"]
    assert answer.json() == {"name": "Fourfold API", "version": "1", "links": LINKS}


def test_it_answers_json_to_a_client_that_asks_for_it() -> None:
    answer = Client().get("/api/v1/", HTTP_ACCEPT="application/json")
    assert answer.json()["links"] == LINKS


def test_every_link_it_gives_answers(admin_user: User) -> None:
    for name, url in LINKS.items():
        path = url.removeprefix("http://testserver")
        client = Client()
        if name in ("tokens", "app"):
            client.force_login(admin_user)
        assert client.get(path).status_code == 200, name


def test_it_answers_a_browser_with_a_page_of_the_links() -> None:
    answer = Client().get("/api/v1/", HTTP_ACCEPT=BROWSER)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/html")
    html = answer.content.decode()
    assert "<h1>Fourfold API, version 1</h1>" in html
    for path in ("/api/v1/docs", "/api/v1/openapi.json", "/api-tokens/"):
        assert f'href="{path}"' in html


def test_it_reveals_nothing_else_to_someone_without_a_token(admin_user: User) -> None:
    from tests.web import cards

    cards.load_small()
    html = Client().get("/api/v1/", HTTP_ACCEPT=BROWSER).content.decode()
    assert "Acme" not in html and "revenue" not in html.lower()
    assert "account__name" not in html and "Sign out" not in html
    assert (
        '<a class="button button--quiet" href="/accounts/login/?next=/api/v1/">Sign in</a>' in html
    )


def test_it_refuses_other_methods_in_the_api_s_error_shape() -> None:
    answer = Client().post("/api/v1/", {})
    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD"
    assert answer.json()["error"]["code"] == "method_not_allowed"


def test_the_docs_page_links_back_to_the_app_and_the_index() -> None:
    html = Client().get("/api/v1/docs").content.decode()
    assert '<a href="/">Back to the scorecards</a>' in html
    assert '<a href="/api/v1/">API index</a>' in html
