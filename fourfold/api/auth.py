"""Bearer tokens: who is calling, and what their token and their roles let them do."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from fourfold.accounts import throttle
from fourfold.accounts.access import Access, access_for

from .errors import ApiError
from .models import ApiToken


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            return None  # ninja answers 401 with the how-to message
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(
                message="The Authorization header must read 'Bearer <token>'."
            )
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        if not throttle.api_allowed(request):
            raise ApiError(429, throttle.API_MESSAGE.format(throttle.minutes()))
        found = ApiToken.authenticate(token)
        if found is None:
            throttle.api_failed(request)
            raise AuthenticationError(
                message="This API token is not valid: it may have been revoked or mistyped. "
                "Create a new one on the API tokens page."
            )
        found.touch()
        request.user = found.user
        # The access policy hears of the token's scope: a read-only token changes nothing.
        request.fourfold_writes = found.can_write  # type: ignore[attr-defined]
        return found


def token_of(request: HttpRequest) -> ApiToken:
    return cast(ApiToken, request.auth)  # type: ignore[attr-defined]


def access_of(request: HttpRequest) -> Access:
    """The caller's rights, as the pages work them out (`access_for`), once per request: the
    token has set `request.user` and whether it may write."""
    return access_for(request)


def require_write(request: HttpRequest) -> ApiToken:
    token = token_of(request)
    if not token.can_write:
        raise ApiError(
            403,
            f"The token '{token.name}' is read-only: create a read-write token to change data.",
            code="read_only_token",
        )
    return token
