"""Signing in and out: the password, then the code of those with two-factor sign-in; the
"Sign in with …" button of single sign-on; one's own two-factor page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import oidc, throttle, twofactor


class SignIn(auth_views.LoginView):
    """The password; for those with two-factor sign-in, then the code (`code`)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        if oidc.enabled():
            context["sso_name"] = oidc.provider_name()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not twofactor.enrolled(user):
            response: HttpResponse = super().form_valid(form)
            return response
        twofactor.hold(self.request, user, self.get_success_url())
        return redirect("code")


def _code_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "registration/code.html", {"error": error}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    held = twofactor.pending(request)
    if held is None:
        if request.method == "POST":
            messages.error(request, "Sign in again: the time to type the code ran out.")
        return redirect("login")
    if request.method != "POST":
        return _code_page(request)
    username = held["username"]
    if not AxesProxyHandler.is_allowed(request, {"username": username}):
        return _code_page(request, throttle.message(), status=429)
    user = get_user_model().objects.filter(pk=held["user"], is_active=True).first()
    device = twofactor.matching_device(user, request.POST.get("code", "")) if user else None
    if user is None or device is None:
        twofactor.wrong_code(request, username)
        if getattr(request, "axes_locked_out", False):
            return _code_page(request, throttle.message(), status=429)
        return _code_page(request, "That code is not right: type the one your app shows now.", 400)
    del request.session[twofactor.PENDING]
    user.backend = held["backend"]
    login(request, user)
    if device.__class__.__name__ == "StaticDevice":
        # On to the page where new ones are made, then where they were going.
        left = twofactor.recovery_left(user)
        messages.warning(request, f"You used a recovery code: {left} left.")
        return redirect(f"{reverse('two_factor')}?{urlencode({'next': held['next'] or '/'})}")
    return redirect(held["next"] or "home")


class SignOut(auth_views.LogoutView):
    """Signing out here; after single sign-on, at the identity provider too when it can."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        there = oidc.end_session_url(request)  # read before the session ends
        response: HttpResponse = super().post(request, *args, **kwargs)
        return redirect(there) if there else response


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    user = request.user
    status = context.pop("status", 200)
    on = twofactor.enrolled(user)
    context |= {
        "on": on,
        "required": twofactor.required(user),
        "recovery_left": twofactor.recovery_left(user) if on else 0,
    }
    if not on:
        key = twofactor.new_key(request)
        context |= {"qr": twofactor.qr_svg(user, key), "secret": twofactor.secret_text(key)}
    return render(request, "registration/two_factor.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """One's own two-factor sign-in: enrol (QR code, secret, a code to confirm), or see it on."""
    if request.method != "POST":
        return _page(request)
    try:
        codes = twofactor.enrol(request, request.POST.get("code", ""))
    except twofactor.Refused as exc:
        return _page(request, error=str(exc), status=400)
    messages.success(request, "Two-factor sign-in is on.")
    return _page(request, codes=codes, next=_next(request))


def _next(request: HttpRequest) -> str:
    """Where to go once it is on: a page of this site only."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if safe else ""


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = twofactor.new_recovery_codes(request.user)
    except twofactor.Refused as exc:
        return _page(request, error=str(exc), status=400)
    messages.success(request, "New recovery codes made; the old ones no longer work.")
    return _page(request, codes=codes)


@require_POST
@login_required
def two_factor_off(request: HttpRequest) -> HttpResponse:
    try:
        twofactor.turn_off(request.user, request.POST.get("code", ""))
    except twofactor.Refused as exc:
        return _page(request, error=str(exc), status=400)
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("two_factor")
