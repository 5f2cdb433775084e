"""Fill a fresh database with the Northwind demo organization and a demo account."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model

from fourfold.files import load

DEMO_FILE = Path(__file__).with_name("northwind.yaml")
USERNAME = "demo"
PASSWORD = "demo"
# The demo account is Northwind's COO, who owns KPIs and objectives in the file, so that Home
# and My KPIs show what needs her attention; she is an administrator too, to explore Manage.
EMAIL, FIRST_NAME, LAST_NAME = "sofia.lindqvist@northwind.example", "Sofia", "Lindqvist"


def install() -> tuple[str, str]:
    load.load(DEMO_FILE.read_text(encoding="utf-8"), actor=None, source_name=DEMO_FILE.name)
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
    return USERNAME, PASSWORD
