"""Those who must sign in with two factors and have not enrolled are sent to enrol first."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor

# What such a session may still open: the enrolment itself, signing out, the assets.
OPEN = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/api/")


def two_factor_first(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., object]:
    """Reads only the session (set at sign-in by `twofactor.state_at_sign_in`): no query."""

    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and not request.path.startswith(OPEN)
            and session.get(twofactor.STATE) == twofactor.ENROL
        ):
            target = reverse("two_factor")
            if request.method in ("GET", "HEAD"):
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return get_response(request)

    return middleware
