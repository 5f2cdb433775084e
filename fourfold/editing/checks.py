"""The scorecard file's rules for one field at a time, with the loader's own messages."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from fourfold.files.spec import CODE, EMAIL


class Invalid(Exception):
    """A refused change; `errors` maps a field name ("" for the whole form) to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


class Check:
    """Collects every problem of a change before anything is written."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.errors[field].append(message)

    def done(self) -> None:
        if self.errors:
            raise Invalid(dict(self.errors))

    def code(self, field: str, value: Any) -> str:
        text = self.text(field, value, required=True)
        if text and not CODE.match(text):
            self.add(field, f"'{text}' is not a valid code: use letters, digits, '-', '_' or '.'")
        return text

    def text(self, field: str, value: Any, *, required: bool = False) -> str:
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.add(field, f"'{field}' is required")
        if "\x00" in text:
            self.add(field, f"'{field}' cannot contain a NUL character")
        return text

    def choice(self, field: str, value: Any, options: Iterable[str], default: str = "") -> str:
        options = tuple(options)
        text = "" if value is None else str(value)
        if text == "" and default:
            return default
        if text not in options:
            shown = ", ".join(o for o in options if o)
            self.add(field, f"'{field}' must be one of {shown}, not '{text}'")
            return default
        return text

    def number(
        self, field: str, value: Any, *, minimum: float | None = None, default: float | None = None
    ) -> float | None:
        if value is None or value == "":
            return default
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.add(field, f"'{field}' must be a number, got {value!r}")
            return default
        if isinstance(value, bool) or not math.isfinite(number):
            self.add(field, f"'{field}' must be a number, got {value!r}")
            return default
        if minimum is not None and number < minimum:
            self.add(field, f"'{field}' must be at least {minimum:g}, got {number:g}")
            return default
        return number

    def email(self, field: str, value: Any) -> str | None:
        text = self.text(field, value)
        if not text:
            return None
        if not EMAIL.match(text):
            self.add(field, f"'{field}' must be an email address, not '{text}'")
            return None
        return text.lower()

    def people(self, wanted: dict[str, str | None]) -> dict[str, Any]:
        """The users named in these fields, in one query: by email address, or by username
        for someone who has no address; unknown ones are refused."""
        names = {n for n in wanted.values() if n}
        by_email: dict[str, Any] = {}
        by_username: dict[str, Any] = {}
        if names:
            query = Q()
            for each in names:
                query |= Q(email__iexact=each) | Q(username=each)
            for user in get_user_model().objects.filter(query).order_by("pk"):
                if user.email:
                    by_email.setdefault(user.email.lower(), user)
                by_username.setdefault(user.get_username(), user)
        out: dict[str, Any] = {}
        for field, text in wanted.items():
            found = (by_email.get(text.lower()) or by_username.get(text)) if text else None
            if text and found is None:
                if EMAIL.match(text):
                    what = f"the email address '{text}'"
                else:
                    what = f"the username '{text}', and it is not an email address"
                self.add(
                    field,
                    f"no user has {what}: an administrator can add them on the Users page",
                )
            out[field] = found
        return out

    def person(self, field: str, value: Any) -> str | None:
        """Someone named by email address, or by username when they have no address."""
        return self.text(field, value) or None


def person(user: Any) -> str | None:
    """How an audit entry names a user."""
    if user is None:
        return None
    return str(user.email or user.get_username())
