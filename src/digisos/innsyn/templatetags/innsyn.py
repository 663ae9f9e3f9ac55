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
def letter_link(context: template.Context, letters: Any, letter: Any, label: str) -> SafeString:
    return rendering.letter_link(_request(context), letters, letter, label)


@register.simple_tag(takes_context=True)
def case_items(context: template.Context, summaries: Any) -> SafeString:
    return rendering.case_items(_request(context), summaries)


@register.simple_tag(takes_context=True)
def letter_list(context: template.Context, shown: Any, letters: Any) -> SafeString:
    return rendering.letter_list(_request(context), shown, letters)


@register.simple_tag(takes_context=True)
def saker_list(context: template.Context, saker: Any, letters: Any) -> SafeString:
    return rendering.saker_list(_request(context), saker, letters)


@register.simple_tag(takes_context=True)
def requirement_items(context: template.Context, conditions: Any, requirements: Any) -> SafeString:
    return rendering.requirement_items(_request(context), conditions, requirements)


@register.simple_tag(takes_context=True)
def payment_months(context: template.Context, months: Any) -> SafeString:
    return rendering.payment_months(_request(context), months)


@register.simple_tag(takes_context=True)
def timeline(context: template.Context, entries: Any, letters: Any, offices: Any) -> SafeString:
    return rendering.timeline(_request(context), entries, letters, offices)


@register.simple_tag(takes_context=True)
def task_items(
    context: template.Context, tasks: Any, titles: dict[str, str], page: Any, send_url: str
) -> SafeString:
    return rendering.task_items(
        _request(context),
        tasks,
        titles=titles,
        letters=page.letters,
        sent=page.tasks_sent,
        send_url=send_url,
    )
