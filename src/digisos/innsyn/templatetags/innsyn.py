from typing import Any

from django import template

from digisos.innsyn import rendering

register = template.Library()


@register.filter
def get(mapping: dict[str, Any] | None, key: Any) -> Any:
    """mapping[key], or None: letters are looked up by their dokumentlager id."""
    return (mapping or {}).get(key) if key is not None else None


register.filter("kroner", rendering.kroner)
register.filter("status_text", rendering.status_text)
register.simple_tag(rendering.letter_link, name="letter_link")
register.simple_tag(rendering.case_items, name="case_items")
register.simple_tag(rendering.letter_list, name="letter_list")
register.simple_tag(rendering.saker_list, name="saker_list")
register.simple_tag(rendering.requirement_items, name="requirement_items")
register.simple_tag(rendering.payment_rows, name="payment_rows")
register.simple_tag(rendering.timeline, name="timeline")
