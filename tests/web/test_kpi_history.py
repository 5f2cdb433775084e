"""The KPI page's History items, written in Python, are the HTML the template wrote."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import timezone

from fourfold.web.kpi_history import Change, as_html

# The template's loop as it was, item by item.
TEMPLATE = Template(
    "{% for change in changes %}"
    '<li><time datetime="{{ change.at|date:\'c\' }}">{{ change.at|date:"Y-m-d H:i" }}</time> '
    "{{ change.by }} replaced the {{ change.what|lower }} <strong>{{ change.old }}</strong> "
    '<span class="muted">({{ change.entered }})</span>'
    "{% if change.reason %}: “{{ change.reason }}”{% endif %}</li>"
    "{% if not forloop.last %}\n{% endif %}{% endfor %}"
)


def test_it_writes_the_items_as_the_template_did_escaped_and_in_local_time() -> None:
    at = dt.datetime(2026, 3, 31, 22, 30, 5, tzinfo=dt.UTC)
    found = [
        Change(at, "Ann <b>", "Value", "1", "entered by Bo & Co on 2026-03-01", 'a "q"'),
        Change(at - dt.timedelta(days=1), "—", "Target", "700, red flag 500", "set by —", ""),
    ]
    with timezone.override("Europe/Stockholm"):  # a day later there
        expected = TEMPLATE.render(Context({"changes": found}))
        written = as_html(found)

    assert written == expected
    assert "2026-04-01 00:30" in written and "Ann &lt;b&gt;" in written
    assert "Bo &amp; Co" in written and "“a &quot;q&quot;”" in written
