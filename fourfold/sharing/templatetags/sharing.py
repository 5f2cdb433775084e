"""The scorecard's links to its Books sent and Share links pages, for those who may use them."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fourfold.accounts.access import access_for
from fourfold.strategy.models import Unit

register = template.Library()


@register.simple_tag(takes_context=True)
def sharing_links(context: template.Context, code: str) -> SafeString:
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return SafeString("")
    access = access_for(request)
    if not access.is_admin and not access.editable:
        return SafeString("")  # no query for those who edit nothing
    pk = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
    if pk is None or not access.can_schedule_books(pk):
        return SafeString("")
    return format_html(
        ' · <a href="{}">Books sent</a> · <a href="{}">Share links</a>',
        reverse("book-schedules", args=[code]),
        reverse("shares", args=[code]),
    )
