"""People in the scorecard file: by email address, or by user name when they have none."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.files.dump import dump
from fourfold.files.load import LoadError, load
from fourfold.measures.models import KPI

CARD = """
organization: {name: Acme, fiscal_year_start: 1}
units:
  - code: acme
    name: Acme
    perspectives:
      - code: fin
        name: Financial
        objectives:
          - code: grow
            name: Grow
            owner: %s
            kpis:
              - code: revenue
                name: Revenue
                owner: cfo@acme.example
"""


def test_an_owner_without_an_email_survives_a_dump_and_a_load(db: None) -> None:
    load(CARD % "cfo@acme.example", actor=None, source_name="a.yaml")
    nils = User.objects.create_user("nils")  # chosen on a form: no email address
    KPI.objects.filter(code="revenue").update(owner=nils)
    text = dump()
    assert "owner: nils" in text
    result = load(text, actor=None, source_name="dumped.yaml")
    assert result.nothing_changed
    assert KPI.objects.get(code="revenue").owner == nils
    assert User.objects.filter(username="nils").count() == 1


def test_a_user_name_not_known_yet_makes_a_user_without_an_email(db: None) -> None:
    load(CARD % "ingrid", actor=None, source_name="a.yaml")
    ingrid = User.objects.get(username="ingrid")
    assert ingrid.email == "" and not ingrid.has_usable_password()


def test_something_that_is_neither_is_refused_with_its_line(db: None) -> None:
    with pytest.raises(LoadError) as refused:
        load(CARD % "'ann smith'", actor=None, source_name="a.yaml")
    assert [str(p) for p in refused.value.problems] == [
        "line 12, objective grow: 'owner' must be an email address (or the user name of "
        "someone who has none), not 'ann smith'"
    ]
