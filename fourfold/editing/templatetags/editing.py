"""The "Manage" and "History" links of the main navigation, for administrators and editors."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from fourfold.accounts.models import Role

register = template.Library()

MANAGERS = (Role.Kind.ADMIN, Role.Kind.EDITOR)


def may_manage(request: HttpRequest | None) -> bool:
    """Whether to offer the Manage pages; at most one query, and none on the editing pages."""
    user: Any = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(request, "fourfold_may_manage", None)
    if cached is not None:
        return bool(cached)
    access = getattr(request, "fourfold_access", None)
    if access is not None:
        allowed = access.is_admin or bool(access.editable)
    elif user.is_superuser:
        allowed = True
    else:
        allowed = Role.objects.filter(user=user, kind__in=MANAGERS).exists()
    request.fourfold_may_manage = allowed  # type: ignore[attr-defined]
    return allowed


@register.inclusion_tag("editing/_nav.html", takes_context=True)
def manage_link(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = (
        match is not None
        and match.app_name == "editing"
        and not str(match.url_name).startswith("password")
    )
    history = match is not None and match.url_name == "history"
    return {"show": may_manage(request), "current": current, "history": history}
