"""Two versions of one scorecard for the `as_of` reads of the API, the pages and the books:
between them KPI a is renamed and weighted 5, KPI c and unit ops are added, objective grow is
renamed and drives a new objective, the initiative and its milestones change, a's target and
value change. The revision "before" is saved between the loads."""

from __future__ import annotations

from fourfold.files.load import load
from fourfold.revisions import named


def scorecard(v2: bool) -> str:
    a_name, a_weight = ("A renamed", "                weight: 5\n") if v2 else ("A", "")
    grow = "Grow faster" if v2 else "Grow"
    drives = "[keep]" if v2 else "[]"
    a_values = "{2026-01: 600, 2026-02: 650}" if v2 else "{2026-01: 600}"
    a_target = 750 if v2 else 700
    c_kpi = (
        """              - code: c
                name: C
                targets: {2026-01: {target: 700, red_flag: 500}}
                values: {2026-01: 700}
"""
        if v2
        else ""
    )
    keep = (
        """          - code: keep
            name: Keep customers
"""
        if v2
        else ""
    )
    ops = (
        """  - code: ops
    name: Operations
    parent: acme
"""
        if v2
        else ""
    )
    milestones = (
        """          - {name: Pilot live, due: 2026-03-31, done: 2026-04-10}
          - {name: All regions, due: 2026-09-30}
          - {name: Training, due: 2026-10-31}
"""
        if v2
        else """          - {name: Pilot live, due: 2026-03-31}
          - {name: All regions, due: 2026-09-30}
"""
    )
    progress = (
        "{2026-01: {complete: 10, spent: 10000}, 2026-02: {complete: 30, spent: 20000}}"
        if v2
        else "{2026-01: {complete: 10, spent: 10000}}"
    )
    return f"""
organization: {{name: Acme, fiscal_year_start: 1}}
units:
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: {grow}
            drives: {drives}
            kpis:
              - code: a
                name: {a_name}
{a_weight}                targets:
                  2026-01: {{target: {a_target}, red_flag: 500}}
                  2026-02: {{target: 700, red_flag: 500}}
                values: {a_values}
              - code: b
                name: B
                targets:
                  2026-01: {{target: 700, red_flag: 500}}
                  2026-02: {{target: 700, red_flag: 500}}
                values: {{2026-01: 800, 2026-02: 800}}
{c_kpi}{keep}    initiatives:
      - code: crm
        name: {"Roll out the new CRM everywhere" if v2 else "Roll out the new CRM"}
        serves: [grow]
        start: 2026-01-01
        end: 2026-12-31
        budget: {300000 if v2 else 250000}
        milestones:
{milestones}        progress: {progress}
{ops}"""


def load_both() -> None:
    """Version 1, the revision "before", then version 2."""
    load(scorecard(False), actor=None, source_name="v1.yaml")
    named.save("before")
    load(scorecard(v2=True), actor=None, source_name="v2.yaml")
