"""The API's index, and the API tokens page where a user creates and revokes their tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.audit.models import record

from . import errors
from .forms import TokenForm
from .models import ApiToken


class SignedInRequest(HttpRequest):
    user: User  # login_required lets no one else in


def _page(
    request: SignedInRequest, form: TokenForm, secret: str = "", created: ApiToken | None = None
) -> HttpResponse:
    tokens = ApiToken.objects.active().filter(user=request.user)
    context = {"form": form, "tokens": tokens, "secret": secret, "created": created}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "api/tokens.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tokens(request: SignedInRequest) -> HttpResponse:
    """The list of the user's tokens and the form for a new one; its secret is shown once."""
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    with transaction.atomic():
        token, secret = ApiToken.issue(
            request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
        )
        record(
            request.user,
            "api.token.create",
            f"API token '{token.name}' ({token.get_scope_display().lower()}) created.",
            token=token.name,
            scope=token.scope,
        )
    return _page(request, TokenForm(), secret=secret, created=token)


@require_POST
@login_required
def revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.active().filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404("You have no such API token.")
    with transaction.atomic():
        token.revoke()
        record(
            request.user, "api.token.revoke", f"API token '{token.name}' revoked.", token=token.name
        )
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api-tokens")


@csrf_exempt  # a program's POST is answered 405 in the API's error shape, not a CSRF page
def index(request: HttpRequest) -> HttpResponse:
    """Where the README sends people: links to the docs, the OpenAPI description, the tokens
    page and the application; HTML to a browser, JSON to a program, no token needed."""
    if request.method not in ("GET", "HEAD"):
        answer = errors.response(405, f"{request.method} is not allowed here; use GET.")
        answer["Allow"] = "GET, HEAD"
        return answer
    links = {
        "docs": reverse("api-v1:openapi-view"),
        "openapi": reverse("api-v1:openapi-json"),
        "tokens": reverse("api-tokens"),
        "app": reverse("home"),
    }
    if request.get_preferred_type(["application/json", "text/html"]) == "text/html":
        response: HttpResponse = render(request, "api/index.html", {"links": links})
    else:
        absolute = {name: request.build_absolute_uri(url) for name, url in links.items()}
        response = JsonResponse({"name": "Fourfold API", "version": "1", "links": absolute})
    patch_vary_headers(response, ("Accept",))
    return response
