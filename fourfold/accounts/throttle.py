"""Sign-in throttling: after too many failures, an account, and separately an address, is
refused for a while, on the sign-in page and in the API alike (django-axes keeps the count in
the database, so every server process shares it); an administrator unlocks it.

The API's bogus tokens count as failures of their address: a flood of guessed tokens is
answered 429 and locks that address out of signing in too, as a flood of passwords would.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone


def minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def message() -> str:
    return (
        f"Too many failed sign-ins for this account or from this address: try again in "
        f"{minutes()} minutes, or ask an administrator to unlock it."
    )


API_MESSAGE = "Too many invalid API tokens from this address: try again in {} minutes."


class SignInThrottle(AxesStandaloneBackend):  # type: ignore[misc]
    """First of the authentication backends: refuses a locked-out account or address. Calls
    without a request (the test client's `login`, the command line) are not throttled."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, **kwargs)
        return None


def locked_out(request: HttpRequest, credentials: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """Axes' answer to a locked-out sign-in: the sign-in page again, with the reason, 429;
    to the API the error shape."""
    if request.path.startswith("/api/"):
        error = {"code": "too_many_requests", "message": API_MESSAGE.format(minutes())}
        return JsonResponse({"error": {**error, "details": []}}, status=429)
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    form.cleaned_data = {}
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.add_error(None, message())
    return render(request, "registration/login.html", {"form": form}, status=429)


# The name API token failures are counted under: no account has it (usernames have no
# parentheses), so they lock only their address.
API_CALLER = "(api token)"


def api_allowed(request: HttpRequest) -> bool:
    """Whether this address may still try API tokens: fewer failures than the limit, of
    sign-ins and of tokens, within the lockout's minutes."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(
        ip_address=get_client_ip_address(request), attempt_time__gte=since
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return int(failures or 0) < settings.AXES_FAILURE_LIMIT


def api_failed(request: HttpRequest) -> None:
    """A bogus token: one failure of the address."""
    user_login_failed.send(sender=__name__, credentials={"username": API_CALLER}, request=request)


def unlock(username: str) -> int:
    """Forget the failures of this account; the number of records removed."""
    return int(reset(username=username))


def unlock_address(address: str) -> int:
    return int(reset(ip=address))


def is_locked(username: str) -> bool:
    limit = settings.AXES_FAILURE_LIMIT
    found = AccessAttempt.objects.filter(username=username, failures_since_start__gte=limit)
    return bool(found.exists())
