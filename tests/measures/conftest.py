"""A small organization with a KPI of every kind that the import checks tell apart."""

from __future__ import annotations

import pytest

from fourfold.files.load import load

CARD = """
organization: {name: Acme, fiscal_year_start: 1}
units:
  - code: acme
    name: Acme
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: Grow
            kpis:
              - code: revenue
                name: Revenue
              - code: cost
                name: Cost
                direction: decrease
              - code: nps
                name: Net promoter score
                frequency: quarterly
                aggregation: last
              - code: iso
                name: ISO certified
                scheme: yes_no
                frequency: yearly
                aggregation: last
              - code: stock
                name: Days of stock
                direction: range
                aggregation: last
              - code: margin
                name: Margin
                aggregation: average
                formula: (revenue - cost) / revenue * 100
"""


@pytest.fixture
def acme(db: None) -> None:
    load(CARD, actor=None, source_name="card.yaml")
