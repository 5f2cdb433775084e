"""How the pages name a person: their name, and their email address where it is needed."""

from __future__ import annotations

from typing import Any


def name(user: Any) -> str:
    """The person's full name, else their username; empty for nobody."""
    if user is None or not getattr(user, "pk", None):
        return ""
    return str(user.get_full_name() or user.get_username())


def name_and_email(user: Any) -> str:
    """The name and the email address, to tell people apart where one picks one of them."""
    shown = name(user)
    email = str(getattr(user, "email", "") or "")
    if not shown or not email or email.lower() == shown.lower():
        return shown
    return f"{shown} <{email}>"
