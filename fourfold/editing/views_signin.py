"""The administrators' side of two-factor sign-in: whom it is required of, and a person's reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.accounts import names, twofactor

from .views_people import _admin, _managed


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def two_factor_rules(request: HttpRequest) -> HttpResponse:
    """Require two-factor sign-in of everyone, or of the people with some roles."""
    _admin(request)
    error = ""
    if request.method == "POST":
        try:
            changed = twofactor.set_rules(request.user, set(request.POST.getlist("scope")))
        except twofactor.Refused as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                "Saved: whoever it is now required of is asked to set it up at their next sign-in."
                if changed
                else "Nothing changed.",
            )
            return redirect("editing:two_factor_rules")
    context = {"scopes": twofactor.SCOPES, "chosen": twofactor.rules(), "error": error}
    return render(request, "editing/two_factor.html", context, status=400 if error else 200)


@require_POST
@login_required
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget a person's authenticator and recovery codes (a lost phone)."""
    person = _managed(request, pk)
    if twofactor.reset(request.user, person):
        messages.success(
            request,
            f"Two-factor sign-in of {names.name(person)} reset: they sign in with their "
            "password and set it up again.",
        )
    else:
        messages.success(request, f"{names.name(person)} had no two-factor sign-in to reset.")
    return redirect("editing:user", pk=person.pk)
