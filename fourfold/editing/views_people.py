"""The Manage pages: the scorecards an editor may design, and the users for administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fourfold.accounts import names, throttle, twofactor
from fourfold.accounts.access import Access, access_for
from fourfold.accounts.models import Role
from fourfold.strategy.models import Unit

from . import forms, people
from .checks import Invalid
from .design import Tree


def _admin(request: HttpRequest) -> Access:
    access = access_for(request)
    access.require(access.can_manage_people(), "Only administrators manage users and roles.")
    return access


@require_safe
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The scorecards this user may design, and for administrators the way to the users."""
    access = access_for(request)
    access.require(access.can_manage(), "You may not change any scorecard.")
    tree = Tree.load()
    units = tree.ordered(set(tree.rows) if access.is_admin else access.editable)
    return render(request, "editing/manage.html", {"units": units, "is_admin": access.is_admin})


def _users() -> list[Any]:
    roles = Role.objects.select_related("unit").order_by("kind", "unit__code")
    return list(
        get_user_model()
        .objects.order_by("-is_active", "username")
        .prefetch_related(Prefetch("roles", queryset=roles))
    )


@require_safe
@login_required
def users(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return render(request, "editing/users.html", {"users": _users()})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = forms.UserForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = people.create_user(request.user, form.cleaned_data)
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            messages.success(request, f"User {names.name(user)} created. Now give them a role.")
            return redirect("editing:user", pk=user.pk)
    context = {
        "form": form,
        "title": "Add a user",
        "back": reverse("editing:users"),
        "submit": "Add user",
    }
    return render(request, "editing/form.html", context, status=400 if form.errors else 200)


def _role_form(user: Any, data: Any = None) -> forms.RoleForm:
    """The form to give a role, its units as the organization's tree."""
    tree = Tree.load()
    return forms.RoleForm(data, units=tree.choices(set(tree.rows)), person=names.name(user))


def _user_page(request: HttpRequest, user: Any, **forms_: Any) -> HttpResponse:
    context = {
        "person": user,
        "roles": list(user.roles.select_related("unit").order_by("kind", "unit__code")),
        "role_form": forms_.get("role_form") or _role_form(user),
        "name_form": forms_.get("name_form") or forms.NameForm(initial=_names(user)),
        "password_form": forms_.get("password_form") or forms.PasswordForm(),
        "error": forms_.get("error", ""),
        "may_change": access_for(request).can_manage_person(user),
        "locked": throttle.is_locked(user.get_username()),
        "two_factor": twofactor.enrolled(user),
        "two_factor_required": twofactor.required(user),
    }
    status = 400 if forms_ else 200
    return render(request, "editing/user.html", context, status=status)


def _person(pk: int) -> Any:
    return get_object_or_404(get_user_model(), pk=pk)


def _managed(request: HttpRequest, pk: int) -> Any:
    """The person whose account this administrator may change; else a 403 with the reason."""
    access = _admin(request)
    person = _person(pk)
    refusal = access.person_refusal(person)
    access.require(refusal is None, refusal or "")
    return person


@require_safe
@login_required
def user(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    return _user_page(request, _person(pk))


@require_POST
@login_required
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    active = request.POST.get("active") == "1"
    try:
        people.set_active(request.user, person, active)
    except Invalid as exc:
        return _user_page(request, person, error=str(exc))
    state = "reactivated" if active else "deactivated: they can no longer sign in"
    messages.success(request, f"{names.name(person)} {state}.")
    return redirect("editing:user", pk=person.pk)


@require_POST
@login_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    form = forms.PasswordForm(request.POST)
    if form.is_valid():
        try:
            people.set_password(request.user, person, form.cleaned_data["password"])
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            messages.success(request, f"New password set for {names.name(person)}.")
            return redirect("editing:user", pk=person.pk)
    return _user_page(request, person, password_form=form)


@require_POST
@login_required
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Let someone locked out by too many failed sign-ins sign in again at once."""
    person = _managed(request, pk)
    people.unlock(request.user, person)
    messages.success(request, f"{names.name(person)} may sign in again.")
    return redirect("editing:user", pk=person.pk)


@require_POST
@login_required
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    form = _role_form(person, request.POST)
    if form.is_valid():
        code = form.cleaned_data["unit"]
        unit = Unit.objects.get(code=code) if code else None
        try:
            role = people.grant_role(request.user, person, form.cleaned_data["kind"], unit)
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            messages.success(request, f"{role}.")
            return redirect("editing:user", pk=person.pk)
    return _user_page(request, person, role_form=form)


@require_POST
@login_required
def role_revoke(request: HttpRequest, pk: int, role: int) -> HttpResponse:
    person = _managed(request, pk)
    found = get_object_or_404(Role.objects.select_related("unit", "user"), pk=role, user=person)
    try:
        people.revoke_role(request.user, found)
    except Invalid as exc:
        return _user_page(request, person, error=str(exc))
    messages.success(request, f"Role removed from {names.name(person)}.")
    return redirect("editing:user", pk=person.pk)


def _names(user: Any) -> dict[str, str]:
    return {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}


@require_POST
@login_required
def user_names(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a person's name and email address, as everyone sees them."""
    person = _managed(request, pk)
    form = forms.NameForm(request.POST)
    if form.is_valid():
        try:
            people.set_names(request.user, person, form.cleaned_data)
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            messages.success(request, f"{names.name(person)} saved.")
            return redirect("editing:user", pk=person.pk)
    return _user_page(request, person, name_form=form)
