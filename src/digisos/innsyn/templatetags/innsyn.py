from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def get(mapping: dict[str, Any] | None, key: Any) -> Any:
    """mapping[key], or None: letters are looked up by their dokumentlager id."""
    return (mapping or {}).get(key) if key is not None else None


@register.filter
def kroner(amount: float | int | None) -> str:
    value = amount or 0
    shown = int(value) if float(value).is_integer() else value
    return number_format(shown, decimal_pos=None if float(value).is_integer() else 2, force_grouping=True)
