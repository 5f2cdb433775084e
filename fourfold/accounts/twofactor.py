"""Two-factor sign-in (TOTP, django-otp): enrolment, the code after the password, recovery
codes, the administrators' requirement and reset, each change audited.

A person enrols with an authenticator app (a QR code, or the secret typed in) and confirms
with a code; they get ten single-use recovery codes (django-otp's static device). From then
on a password sign-in asks for a code too. An administrator may require two-factor sign-in of
everyone or of some roles: those who must and have not enrolled are sent to enrol before
anything else (`middleware`). Wrong codes are failed sign-ins for django-axes, which locks
the account and the address out as after wrong passwords (django-otp's own throttling is off:
one count, one lockout, one way to unlock).

Single sign-on leaves the second factor to the identity provider, and API tokens are a second
factor of their own: neither is asked for a code.
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth import BACKEND_SESSION_KEY, user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from fourfold import sso
from fourfold.audit.models import record

from .models import Role, TwoFactorRule

RECOVERY_CODES = 10
# The session's word on two-factor sign-in, set at sign-in: "enrol" sends to the enrolment
# page first. Kept in the session so that a request reads no table for it.
STATE = "fourfold_2fa"
ENROL = "enrol"
# A new secret waits in the session until a code confirms it.
NEW_KEY = "fourfold_2fa_key"
# Who gave the right password and still owes a code: user id, backend, next, when.
PENDING = "fourfold_2fa_pending"
PENDING_SECONDS = 300
EVERYONE = "everyone"
SCOPES = [(EVERYONE, "Everyone"), *Role.Kind.choices]


class Refused(Exception):
    """A two-factor change that cannot be made, in one sentence."""


# Devices


def totp_device(user: Any) -> TOTPDevice | None:
    found: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return found


def enrolled(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def new_key(request: HttpRequest) -> str:
    """The secret being enrolled in this session, made once."""
    key = request.session.get(NEW_KEY)
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{40}", key):
        key = random_hex(20)
        request.session[NEW_KEY] = key
    return key


def secret_text(key: str) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    raw = b32encode(bytes.fromhex(key)).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(user: Any, key: str) -> str:
    """The otpauth:// address of the secret as an SVG QR code, drawn on the server."""
    device = TOTPDevice(user=user, name="Authenticator app", key=key)
    code = segno.make(device.config_url, error="m", micro=False)
    svg: str = code.svg_inline(scale=5, border=2, dark="#111", light="#fff", omitsize=True)
    return svg


def _code(text: str) -> str:
    """A code as a person types it: spaces and dashes left out."""
    return re.sub(r"[\s-]", "", text or "")


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def enrol(request: HttpRequest, code: str) -> list[str]:
    """Confirm the session's new secret with a code from the app: the device is the person's
    from now on; their new recovery codes, to be shown once."""
    user = request.user
    key = request.session.get(NEW_KEY)
    if not isinstance(key, str):
        raise Refused("Start again: the secret to confirm is no longer in this session.")
    if enrolled(user):
        raise Refused("Two-factor sign-in is already on for your account.")
    digits = _code(code)
    if not re.fullmatch(r"\d{6}", digits):
        raise Refused("Type the 6-digit code your authenticator app shows.")
    totp = TOTP(bytes.fromhex(key), step=30, digits=6)
    if not totp.verify(int(digits), tolerance=1):
        raise Refused("That code is not the one the app shows now: check its clock and retry.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=key, confirmed=True, last_t=totp.t()
        )
        codes = _new_recovery_codes(user)
        record(user, "user.2fa.enrol", f"{user.get_username()} turned two-factor sign-in on")
    del request.session[NEW_KEY]
    request.session.pop(STATE, None)
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    if not enrolled(user):
        raise Refused("Turn two-factor sign-in on first.")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record(user, "user.2fa.codes", f"{user.get_username()} made new recovery codes")
    return codes


def turn_off(user: Any, code: str) -> None:
    """The person's own choice, with a code to prove it is them; not when it is required."""
    if required(user):
        raise Refused("Two-factor sign-in is required for your account: it stays on.")
    if matching_device(user, code) is None:
        raise Refused("That code is not right: type one from your app or a recovery code.")
    with transaction.atomic():
        _remove(user)
        record(user, "user.2fa.off", f"{user.get_username()} turned two-factor sign-in off")


def _remove(user: Any) -> int:
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    return int(removed + StaticDevice.objects.filter(user=user).delete()[0])


def reset(actor: Any, person: Any) -> bool:
    """An administrator's: the person's authenticator and recovery codes forgotten (a lost
    phone), so that they sign in with their password and enrol again. Whether there was any."""
    with transaction.atomic():
        had = _remove(person) > 0
        if had:
            record(
                actor,
                "user.2fa.reset",
                f"Reset the two-factor sign-in of {person.get_username()}",
                user=person.get_username(),
            )
    return had


def matching_device(user: Any, code: str) -> Any:
    """The device whose code this is (a recovery code is used up), or None."""
    digits = _code(code)
    if not digits:
        return None
    device = totp_device(user)
    if device is not None and re.fullmatch(r"\d{6}", digits) and device.verify_token(digits):
        return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(digits.lower()):
            return static
    return None


def wrong_code(request: HttpRequest, username: str) -> None:
    """A wrong code is a failed sign-in of the account and the address for django-axes."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


# The requirement


def rules() -> set[str]:
    return set(TwoFactorRule.objects.values_list("scope", flat=True))


def required(user: Any) -> bool:
    """Whether this person must sign in with a second factor: everyone must, or one of
    their roles (a superuser counts as an administrator)."""
    wanted = rules()
    if not wanted:
        return False
    if EVERYONE in wanted:
        return True
    kinds = set(Role.objects.filter(user=user).values_list("kind", flat=True))
    if user.is_superuser:
        kinds.add(Role.Kind.ADMIN)
    return bool(kinds & wanted)


def set_rules(actor: Any, scopes: set[str]) -> bool:
    """Require two-factor sign-in of these (EVERYONE or role kinds); whether it changed."""
    known = {s for s, _ in SCOPES}
    unknown = scopes - known
    if unknown:
        raise Refused(f"There is no role '{sorted(unknown)[0]}'.")
    with transaction.atomic():
        before = rules()
        if before == scopes:
            return False
        TwoFactorRule.objects.exclude(scope__in=scopes).delete()
        TwoFactorRule.objects.bulk_create(TwoFactorRule(scope=s) for s in scopes - before)
        labels = dict(SCOPES)
        who = ", ".join(str(labels[s]) for s, _ in SCOPES if s in scopes) or "no one"
        record(
            actor,
            "signin.2fa.required",
            f"Two-factor sign-in required of: {who}",
            before=sorted(before),
            after=sorted(scopes),
        )
    return True


# Signing in


def state_at_sign_in(request: HttpRequest, user: Any) -> None:
    """At each sign-in, whether this session must enrol first; single sign-on excepted."""
    if request.session.get(BACKEND_SESSION_KEY) == sso.BACKEND:
        return
    if required(user) and not enrolled(user):
        request.session[STATE] = ENROL


def hold(request: HttpRequest, user: Any, next_url: str) -> None:
    """The password was right: the session waits for the code before it signs in."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "username": user.get_username(),
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "at": time.time(),
    }


def pending(request: HttpRequest) -> dict[str, Any] | None:
    """Who waits for their code in this session, if they still may."""
    held = request.session.get(PENDING)
    if not isinstance(held, dict):
        return None
    if time.time() - float(held.get("at", 0)) > PENDING_SECONDS:
        del request.session[PENDING]
        return None
    return held
