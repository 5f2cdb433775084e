"""People and data for the entry tests: a contributor, an owner, an editor and an outsider."""

from __future__ import annotations

import html as entities
import re

from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.measures.models import KPI, Source
from fourfold.measures.services import ValueEntry, record_values
from fourfold.strategy.models import Unit


def text_of(html: bytes) -> str:
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", html.decode())))


def person(name: str) -> User:
    return User.objects.create_user(name, password="pw", first_name=name.capitalize())


def contributor_of(code: str, name: str = "carol") -> User:
    user = User.objects.filter(username=name).first() or person(name)
    KPI.objects.filter(code=code).update(contributor=user)
    return user


def owner_of(code: str, name: str = "olga") -> User:
    user = User.objects.filter(username=name).first() or person(name)
    KPI.objects.filter(code=code).update(owner=user)
    return user


def with_role(kind: str, unit: str | None, name: str) -> User:
    user = person(name)
    Role.objects.create(user=user, kind=kind, unit=Unit.objects.get(code=unit) if unit else None)
    return user


def history(code: str, months: list[str], values: list[float]) -> None:
    kpi = KPI.objects.get(code=code)
    record_values(
        [ValueEntry(kpi.pk, m, v) for m, v in zip(months, values, strict=True)],
        actor=None,
        source=Source.FILE,
    )
