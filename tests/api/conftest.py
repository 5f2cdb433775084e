"""Users with different roles on the small test organization, their tokens, and a client."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.strategy.models import Unit
from tests.web import cards


@dataclass
class Api:
    """A client that sends one token with every request and reads the JSON answer."""

    client: Client
    secret: str

    def call(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method.lower())(f"/api/v1/{path.lstrip('/')}", **kwargs)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self.call("POST", path, body, raw)

    def put(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self.call("PUT", path, body, raw)

    def patch(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self.call("PATCH", path, body, raw)


def person(name: str, role: str | None = None, unit: str | None = None) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.com", password="x")
    if role is not None:
        target = Unit.objects.get(code=unit) if unit else None
        Role.objects.create(user=user, kind=role, unit=target)
    return user


def api_for(user: User, scope: str = "write", name: str = "pipeline") -> Api:
    _, secret = ApiToken.issue(user, name, scope)
    return Api(Client(), secret)


@pytest.fixture
def small(db: None) -> None:
    """Acme (revenue, stock-days as a range, complaints on a percent scheme, missing), Sales."""
    cards.load_small()


@pytest.fixture
def admin(small: None) -> Api:
    return api_for(User.objects.create_superuser("root", "root@example.com", "x"))


@pytest.fixture
def editor(small: None) -> Api:
    return api_for(person("eve", Role.Kind.EDITOR, "acme"))


@pytest.fixture
def viewer(small: None) -> Api:
    return api_for(person("vic", Role.Kind.VIEWER, None))


@pytest.fixture
def outsider(small: None) -> Api:
    """Sees only the Sales department, which has no KPIs."""
    return api_for(person("otto", Role.Kind.VIEWER, "sales"))
