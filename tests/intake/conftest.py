"""Revenue owned by Olga, who requires approval of the values others enter; Carol reports it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.intake import services
from fourfold.measures.models import KPI
from tests.web import cards


@pytest.fixture
def people(db: None) -> tuple[User, User, KPI]:
    cards.load_small()
    olga = User.objects.create_user("olga")
    carol = User.objects.create_user("carol")
    kpi = KPI.objects.get(code="revenue")
    kpi.owner, kpi.contributor = olga, carol
    kpi.save(update_fields=["owner", "contributor"])
    services.set_approval(kpi, True, actor=olga)
    return olga, carol, kpi
