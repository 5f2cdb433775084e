"""Accounts and roles, changed by administrators: each change checked, audited, atomic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from fourfold.accounts.models import Role
from fourfold.audit.models import record
from fourfold.strategy.models import Unit

from .checks import Check, Invalid


def _password(check: Check, field: str, password: str, user: Any) -> None:
    if not password:
        check.add(field, f"'{field}' is required")
        return
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            check.add(field, message)


def create_user(actor: Any, data: Mapping[str, Any]) -> Any:
    """A new account that can sign in with the given initial password."""
    User = get_user_model()
    check = Check()
    username = check.text("username", data.get("username"), required=True)
    if username:
        try:
            User.username_validator(username)
        except ValidationError as exc:
            check.add("username", " ".join(exc.messages))
        if len(username) > 150:
            check.add("username", "'username' must be at most 150 characters")
        if User.objects.filter(username__iexact=username).exists():
            check.add("username", f"the username '{username}' is already taken")
    email = check.email("email", data.get("email")) or ""
    if email and (other := User.objects.filter(email__iexact=email).first()) is not None:
        check.add("email", f"user '{other.get_username()}' already has this email address")
    first, last = (
        check.text("first_name", data.get("first_name")),
        check.text("last_name", data.get("last_name")),
    )
    user = User(username=username, email=email, first_name=first, last_name=last)
    password = str(data.get("password") or "")
    _password(check, "password", password, user)
    check.done()
    with transaction.atomic():
        user.set_password(password)
        user.save()
        record(
            actor,
            "user.create",
            f"Created user {username}",
            user=username,
            before={},
            after={"username": username, "email": email, "first_name": first, "last_name": last},
        )
    return user


def set_names(actor: Any, user: Any, data: Mapping[str, Any]) -> None:
    """A person's first and last name and email address, as every page shows them."""
    User = get_user_model()
    check = Check()
    email = check.email("email", data.get("email")) or ""
    if email:
        other = User.objects.filter(email__iexact=email).exclude(pk=user.pk).first()
        if other is not None:
            check.add("email", f"user '{other.get_username()}' already has this email address")
    wanted = {
        "first_name": check.text("first_name", data.get("first_name")),
        "last_name": check.text("last_name", data.get("last_name")),
        "email": email,
    }
    for field in ("first_name", "last_name"):
        if len(wanted[field]) > 150:  # Django's User keeps at most 150 characters of a name
            check.add(field, f"'{field}' must be at most 150 characters")
    check.done()
    before = {f: getattr(user, f) for f in wanted if getattr(user, f) != wanted[f]}
    if not before:
        return
    with transaction.atomic():
        for field in before:
            setattr(user, field, wanted[field])
        user.save(update_fields=list(before))
        record(
            actor,
            "user.change",
            f"Changed the name or email of {user.get_username()}",
            user=user.get_username(),
            before=before,
            after={f: wanted[f] for f in before},
        )


def set_active(actor: Any, user: Any, active: bool) -> None:
    """Deactivate an account (it can no longer sign in; its history stays) or reactivate it."""
    if not active and user.pk == actor.pk:
        raise Invalid({"": ["you cannot deactivate your own account"]})
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        verb = "Reactivated" if active else "Deactivated"
        record(
            actor,
            "user.activate" if active else "user.deactivate",
            f"{verb} user {user.get_username()}",
            user=user.get_username(),
            before={"is_active": not active},
            after={"is_active": active},
        )


def set_password(actor: Any, user: Any, password: str) -> None:
    """An administrator sets a new password for someone who lost theirs."""
    check = Check()
    _password(check, "password", password, user)
    check.done()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # The password itself never goes into the log.
        record(
            actor,
            "user.password",
            f"Set a new password for {user.get_username()}",
            user=user.get_username(),
        )


def grant_role(actor: Any, user: Any, kind: str, unit: Unit | None) -> Role:
    """A role on a unit and its subtree, or on the whole organization when no unit is given."""
    check = Check()
    kind = check.choice("kind", kind, Role.Kind.values)
    if kind == Role.Kind.ADMIN and unit is not None:
        check.add(
            "unit", "an administrator's role covers the whole organization: leave the unit empty"
        )
    if kind and Role.objects.filter(user=user, kind=kind, unit=unit).exists():
        where = f"unit {unit.code}" if unit else "the whole organization"
        check.add("kind", f"{user.get_username()} already has this role on {where}")
    check.done()
    with transaction.atomic():
        role = Role.objects.create(user=user, kind=kind, unit=unit)
        record(
            actor,
            "role.grant",
            f"Made {role}",
            user=user.get_username(),
            before={},
            after={"kind": kind, "unit": unit.code if unit else None},
        )
    return role


def revoke_role(actor: Any, role: Role) -> None:
    if role.user_id == actor.pk and role.kind == Role.Kind.ADMIN:
        raise Invalid({"": ["you cannot remove your own administrator role"]})
    with transaction.atomic():
        summary = f"Removed the role {role}"
        detail = {"kind": role.kind, "unit": role.unit.code if role.unit else None}
        role.delete()
        record(
            actor,
            "role.revoke",
            summary,
            user=role.user.get_username(),
            before=detail,
            after={},
        )


def unlock(actor: Any, user: Any) -> None:
    """Forget the failed sign-ins that locked this person out (`fourfold unlock` too)."""
    from fourfold.accounts import throttle

    with transaction.atomic():
        throttle.unlock(user.get_username())
        record(
            actor,
            "user.unlock",
            f"Unlocked the sign-in of {user.get_username()}",
            user=user.get_username(),
        )
