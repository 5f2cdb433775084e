from typing import Any

from django import template

register = template.Library()


@register.filter
def of(mapping: dict[str, Any], key: str) -> Any:
    """`mapping|of:key`: the value at a key that a template cannot spell as an attribute."""
    return mapping.get(key)
