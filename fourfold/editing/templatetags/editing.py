"""The "Manage" and "History" links of the main navigation, for administrators and editors."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from fourfold.accounts.access import access_for

register = template.Library()


def may_manage(request: HttpRequest | None) -> bool:
    """Whether to offer the Manage pages, as the access policy says."""
    user: Any = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated or not user.is_active:
        return False
    return access_for(request).can_manage()


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
