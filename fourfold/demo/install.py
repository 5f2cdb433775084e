"""Fill a fresh database with the Northwind demo organization and a demo account."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model

from fourfold.files import load

DEMO_FILE = Path(__file__).with_name("northwind.yaml")
USERNAME = "demo"
PASSWORD = "demo"


def install() -> tuple[str, str]:
    load.load(DEMO_FILE.read_text(encoding="utf-8"), actor=None, source_name=DEMO_FILE.name)
    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first() or User(username=USERNAME)
    user.email = "demo@northwind.example"
    user.first_name, user.last_name = "Demo", "User"
    user.is_staff = user.is_superuser = True
    user.set_password(PASSWORD)
    user.save()
    return USERNAME, PASSWORD
