from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def kroner(amount: int | None) -> str:
    """Whole kroner with the active language's grouping: «13 100» in Norwegian, «13,100» in English."""
    return number_format(int(amount or 0), force_grouping=True)
