"""What the settings themselves promise, whatever the test suite overrides."""

from __future__ import annotations

from django.conf import global_settings

import fourfold.settings as conf


def test_passwords_are_hashed_with_djangos_default_pbkdf2() -> None:
    hashers = getattr(conf, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
