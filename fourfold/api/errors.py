"""One error shape for every failure: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("fourfold.api")

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}

# What each status means for a caller, shown in the OpenAPI description of every response.
MEANINGS = {
    400: "The request could not be read (for example, its body is not JSON).",
    401: "No valid API token was sent: send 'Authorization: Bearer <token>'.",
    403: "The token may not do this: it is read-only, or its user may not change this unit.",
    404: "There is no such object, or the token's user may not see it.",
    405: "This method is not allowed on this path.",
    409: "The object already exists.",
    413: "The request body is too large: send fewer values at once.",
    415: "The request body is not sent as JSON: send it with 'Content-Type: application/json'.",
    422: "Some input is wrong; every problem is listed in details.",
    429: "Too many invalid API tokens or failed sign-ins from this address: wait, or ask an "
    "administrator to unlock it.",
    500: "An unexpected error; nothing was written.",
}


class ErrorDetail(Schema):
    field: str | None = None
    index: int | None = None
    reason: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail]


class Error(Schema):
    """Every failure has this shape."""

    error: ErrorBody


class ApiError(Exception):
    """A failure to answer with the error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Sequence[dict[str, Any]] = (),
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = list(details)
        self.code = code or CODES.get(status, "error")


def body(status: int, message: str, details: Sequence[dict[str, Any]] = (), code: str = "") -> Any:
    return {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": message,
            "details": [
                {"field": d.get("field"), "index": d.get("index"), "reason": d["reason"]}
                for d in details
            ],
        }
    }


def response(
    status: int, message: str, details: Sequence[dict[str, Any]] = (), code: str = ""
) -> JsonResponse:
    return JsonResponse(body(status, message, details, code), status=status)


def _shape(part: str) -> bool:
    from .schemas import SHAPES

    return part in SHAPES or part.startswith("function-")


def _field(loc: Sequence[Any]) -> tuple[str | None, int | None]:
    """('body', 'items', 3, 'actual') → ('actual', 3): the index is of an item in a posted list."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:]  # the name of the operation's body parameter means nothing to a caller
    elif parts and parts[0] in ("query", "path", "header"):
        parts = parts[1:]
    index = next((p for p in parts if isinstance(p, int)), None)
    # Not the places pydantic gives a body of several shapes: the shape's name, its validator.
    names = [str(p) for p in parts if not isinstance(p, int) and not _shape(str(p))]
    return (".".join(names) or None), index


PATTERNS = {
    "period": "is not a period: write it like 2026-03, 2026-Q1, 2026 or 2026-03-YTD",
    "kpi": "is not a code: codes are letters, digits, '-' and '_'",
    "unit": "is not a code: codes are letters, digits, '-' and '_'",
    "code": "is not a code: codes are letters, digits, '-' and '_'",
    "objective": "is not a code: codes are letters, digits, '-' and '_'",
    "perspective": "is not a code: codes are letters, digits, '-' and '_'",
    "parent": "is not a code: codes are letters, digits, '-' and '_'",
    "scheme": "is not a name: scheme names are letters, digits, '-' and '_'",
}


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    loc = error.get("loc", ())
    if kind == "string_pattern_mismatch" and loc and str(loc[-1]) in PATTERNS:
        return PATTERNS[str(loc[-1])]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this request (it may not be changed here)"
    if kind in ("float_type", "int_type", "bool_type", "string_type", "list_type"):
        wanted = {
            "float_type": "a number",
            "int_type": "a whole number",
            "bool_type": "true or false",
            "string_type": "a text string",
            "list_type": "a list",
        }[kind]
        return f"must be {wanted}"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "string_pattern_mismatch":
        return "contains characters that are not allowed"
    message = str(error.get("msg", "is not valid"))
    return message[0].lower() + message[1:] if message else "is not valid"


def validation_details(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        field, index = _field(error.get("loc", ()))
        out.append({"field": field, "index": index, "reason": _reason(error)})
    return out


def _problem_sentence(details: list[dict[str, Any]]) -> str:
    first = details[0] if details else None
    if first is None:
        return "The request is not valid."
    where = f"item {first['index']}" if first["index"] is not None else ""
    what = first["field"] or "the request body"
    lead = f"{where}: {what}" if where else what
    more = f" (and {len(details) - 1} more problems, listed in details)" if len(details) > 1 else ""
    return f"Fix the request: {lead} {first['reason']}{more}."


def install(api: NinjaAPI) -> None:
    """Answer every failure of the API's operations with the error shape."""

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = validation_details(exc.errors)
        return response(422, _problem_sentence(details), details)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return response(exc.status, exc.message, exc.details, exc.code)

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = (
            exc.message
            if exc.message != "Unauthorized"
            else "Send a personal API token as 'Authorization: Bearer <token>'; "
            "create one on the API tokens page."
        )
        answer = response(401, message)
        answer["WWW-Authenticate"] = "Bearer"
        return answer

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            return response(400, "The request body is not valid JSON: send a JSON document.")
        return response(exc.status_code, str(exc))

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) or "There is no such object."
        return response(404, message if message.endswith(".") else f"{message}.")

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "You may not do this."
        return response(403, message)

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return response(
            413,
            f"The request body is larger than {limit / 1_000_000:.1f} MB: "
            "send the values in smaller batches.",
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return response(
            500, "Something went wrong on the server; nothing was written. Try again later."
        )

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, on_unexpected),
        (HttpError, on_http_error),
        (AuthenticationError, on_auth),
        (ValidationError, on_validation),
        (ApiError, on_api_error),
        (Http404, on_404),
        (PermissionDenied, on_denied),
        (RequestDataTooBig, on_too_big),
    ]
    for kind, handler in handlers:
        api.add_exception_handler(kind, handler)
