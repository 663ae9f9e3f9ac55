from typing import Any

from django import template

from digisos.innsyn import rendering

register = template.Library()


register.filter("status_text", rendering.status_text)
register.simple_tag(rendering.letter_link, name="letter_link")
register.simple_tag(rendering.case_items, name="case_items")
register.simple_tag(rendering.letter_list, name="letter_list")
register.simple_tag(rendering.saker_list, name="saker_list")
register.simple_tag(rendering.requirement_items, name="requirement_items")
register.simple_tag(rendering.payment_months, name="payment_months")
register.simple_tag(rendering.timeline, name="timeline")


@register.simple_tag(takes_context=True)
def task_items(
    context: template.Context, tasks: Any, titles: dict[str, str], page: Any, send_url: str
) -> str:
    return rendering.task_items(
        tasks,
        titles=titles,
        letters=page.letters,
        sent=page.tasks_sent,
        send_url=send_url,
        csrf_token=str(context.get("csrf_token", "")),
    )
