"""Small scorecard files for the revision tests: one objective, KPIs a (600) and b (800),
each with goal 700 and red flag 500, so that a scores 5 and b 8.33: with equal weights the
objective scores 6.67; with a's weight 5, 5.56."""

from __future__ import annotations


def card(
    a_extra: str = "", *, months: tuple[str, ...] = ("2026-01", "2026-02"), more: str = ""
) -> str:
    targets = ", ".join(f"{m}: {{target: 700, red_flag: 500}}" for m in months)
    a_values = ", ".join(f"{m}: 600" for m in months)
    b_values = ", ".join(f"{m}: 800" for m in months)
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
            name: Grow
            drives: []
            kpis:
              - code: a
                name: A
                targets: {{{targets}}}
                values: {{{a_values}}}
{a_extra}              - code: b
                name: B
                targets: {{{targets}}}
                values: {{{b_values}}}
{more}"""


def weight(n: int, effective_from: str | None = None) -> str:
    line = f"                weight: {n}\n"
    if effective_from:
        line += f"                effective_from: {effective_from}\n"
    return line


C_KPI = """              - code: c
                name: C
                targets: {2026-01: {target: 700, red_flag: 500}}
                values: {2026-01: 700}
"""
