"""Acme's small scorecard with one initiative, and API clients for its editor and owner."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.files.load import load
from tests.api.conftest import Api, api_for, person
from tests.web import cards

INITIATIVE = """\
    initiatives:
      - code: crm
        name: Roll out the new CRM
        owner: olga@example.com
        serves: [grow]
        moves: [revenue]
        start: 2026-01-01
        end: 2026-12-31
        budget: 1000
        milestones:
          - {name: Pilot live, due: 2026-03-31}
          - {name: All regions, due: 2026-09-30, depends_on: [Pilot live]}
        progress: {2026-03: {complete: 20, spent: 150}}
"""


@pytest.fixture
def acme(db: None) -> User:
    """The small scorecard, with initiative crm of acme owned by olga (who has no role)."""
    olga = User.objects.create_user("olga", email="olga@example.com", password="x")
    text = cards.SMALL.replace("  - code: sales\n", INITIATIVE + "  - code: sales\n")
    load(text, actor=None, source_name="small.yaml")
    return olga


@pytest.fixture
def editor(acme: User) -> Api:
    return api_for(person("eve", Role.Kind.EDITOR, "acme"))


@pytest.fixture
def owner(acme: User) -> Api:
    return api_for(acme)
