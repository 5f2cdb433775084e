from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.strategy.models import Unit

CARD = """\
organization: {name: Acme}
units:
  - code: top
    name: Top
    perspectives:
      - code: fin
        name: Financial
        objectives:
          - code: grow
            name: Grow revenue
            kpis:
              - code: revenue
                name: Revenue
                targets: {2026-01: {target: 1000, red_flag: 800}}
          - {code: keep, name: Keep customers, kpis: []}
  - {code: north, name: North, parent: top, perspectives: []}
  - {code: south, name: South, parent: top, perspectives: []}
"""


@pytest.fixture
def org(db: None) -> None:
    load(CARD, actor=None, source_name="card.yaml")


@pytest.fixture
def editor(org: None) -> User:
    """An editor of North who may see Top (a viewer of the whole organization)."""
    eve = User.objects.create_user("eve", email="eve@example.com", password="x")
    Role.objects.create(user=eve, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="north"))
    Role.objects.create(user=eve, kind=Role.Kind.VIEWER, unit=None)
    return eve
