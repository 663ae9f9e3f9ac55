from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

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


@register.simple_tag
def letter_link(letters: dict[str, Any], letter: Any, label: str) -> SafeString:
    """A link to a letter stored with us, or its name and "sent by post" (a SvarUt letter we do not hold).
    A tag rather than an include: a long case renders dozens of these."""
    document = letters.get(letter.document_id) if letter is not None and letter.document_id else None
    if document is None:
        return format_html(
            '<span>{}</span> <span class="navds-detail">({})</span>', label, _("sendes i posten")
        )
    return format_html(
        '<a class="navds-link" href="{}">{}<span class="visually-hidden"> ({})</span></a>',
        reverse("documents:download", args=[document.id]),
        label,
        _("PDF"),
    )
