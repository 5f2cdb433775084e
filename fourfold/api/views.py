"""The API tokens page: a user creates, sees and revokes their own personal tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.audit.models import record

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
