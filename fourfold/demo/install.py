"""Fill a fresh database with the Northwind demo organization and a demo account."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from fourfold.files import load
from fourfold.forecasts import grading

from . import generate, revisions
from . import reviews as demo_reviews

# The demo for a fixed day, 2026-11-24 (`python -m fourfold.demo.generate` writes it): a
# scorecard file to read, and the data of the tests that count on its periods.
DEMO_FILE = generate.EXAMPLE
USERNAME = "demo"
PASSWORD = "demo"
# The demo account is Northwind's COO, who owns KPIs and objectives in the file, so that Home
# and My KPIs show what needs her attention; she is an administrator too, to explore Manage.
EMAIL, FIRST_NAME, LAST_NAME = "sofia.lindqvist@northwind.example", "Sofia", "Lindqvist"


def install(today: dt.date | None = None) -> tuple[str, str]:
    """Load the demo made up around `today` (default: the server's today, the day its pages
    open on) through the loader, as `fourfold load` would, and set up the demo account."""
    today = today or timezone.localdate()
    text = generate.scorecard(today)
    load.load(text, actor=None, source_name=f"northwind-{today:%Y-%m-%d}.yaml")
    # The forecasts the worker would have kept month after month, so that they can be graded.
    grading.backfill(today)
    User = get_user_model()
    user = (
        User.objects.filter(username=USERNAME).first()
        or User.objects.filter(email__iexact=EMAIL).order_by("pk").first()
        or User(username=USERNAME)
    )
    user.username, user.email = USERNAME, EMAIL
    user.first_name, user.last_name = FIRST_NAME, LAST_NAME
    user.is_staff = user.is_superuser = True
    user.set_password(PASSWORD)
    user.save()
    from fourfold.sharing import demo as books

    books.install(user)
    from fourfold.alerts.demo import follow_top

    follow_top(user, today)
    # Last month's review, held and closed, and this month's planned: after the account, who
    # facilitates them.
    demo_reviews.install(today, user)
    revisions.stage(today, user)
    return USERNAME, PASSWORD
