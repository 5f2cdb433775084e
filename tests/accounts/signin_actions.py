"""Signing in's pages in the access matrix: one's own two-factor sign-in is everyone's; whom it
is required of, and a person's reset, are the administrators'. Single sign-on is not set up in
the matrix: its two addresses do not exist for anyone."""

from __future__ import annotations

from fourfold.accounts.models import TwoFactorRule

from .actions import Action, get, post

SIGNIN_PAGES: dict[str, Action] = {
    "own two-factor page": get("/accounts/two-factor/"),
    # Refused in their own words (400) to everyone: none of them has two-factor sign-in on.
    "new recovery codes": post("/accounts/two-factor/recovery-codes/", {}, None, ok=400),
    "turn two-factor off": post("/accounts/two-factor/off/", {"code": "000000"}, None, ok=400),
    # Someone signed in has no code to type: on to the sign-in page, which sends them home.
    "sign-in code page": Action("get", "/accounts/login/code/", ok=302),
    "single sign-on": get("/accounts/sso/"),
    "single sign-on callback": get("/accounts/sso/callback/?code=x&state=y"),
    "two-factor requirement": get("/manage/two-factor/"),
    "require two-factor": post(
        "/manage/two-factor/",
        {"scope": "viewer"},
        lambda _: TwoFactorRule.objects.filter(scope="viewer").exists(),
    ),
    "reset a user's two-factor": post("/manage/users/{pat}/two-factor/reset/", {}, None),
}
