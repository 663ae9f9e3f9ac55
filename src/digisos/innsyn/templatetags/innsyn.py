"""The pages' tags for their repeated parts: each renders a Jinja2 fragment (innsyn/rendering.py)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from digisos.innsyn import rendering

register = template.Library()


register.filter("status_text", rendering.status_text)


def _request(context: template.Context) -> Any:
    return getattr(context, "request", None)


@register.simple_tag(takes_context=True)
def case_items(context: template.Context, summaries: Any) -> SafeString:
    return rendering.case_items(_request(context), summaries)
