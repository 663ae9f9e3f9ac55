"""The step forms' widget renderer: the plain inputs, text areas and selects written in Python, everything else
through Django's own widget templates.

A step page renders some ten such widgets, and each went through three Django templates (e.g. text.html,
input.html, attrs.html): more time than the rest of the field and the page's layout together. The HTML is the
same as those templates write, from the same context (Widget.get_context), so attributes, values, `required`,
`checked` and `selected` are decided by Django as before; tests/application/test_step_widgets.py compares the
two for every field of every step.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDGETS = "django/forms/widgets/"
# Templates that are exactly {% include "django/forms/widgets/input.html" %} in Django 5.2.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html" for name in ("input", "text", "number", "date", "email", "tel", "checkbox")
)
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"


class StepWidgetRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context["widget"]
        if template_name in INPUT_TEMPLATES:
            return _input(widget)
        if template_name == TEXTAREA_TEMPLATE:
            return _textarea(widget)
        if template_name == SELECT_TEMPLATE and all(
            option["template_name"] == OPTION_TEMPLATE
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return _select(widget)
        return super().render(template_name, context, request)


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', _text(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _text(value: Any) -> Any:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it is already safe HTML."""
    return value if hasattr(value, "__html__") else str(value)


def _input(widget: dict[str, Any]) -> SafeString:
    value = format_html(' value="{}"', _text(widget["value"])) if widget["value"] is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget["attrs"])
    )


def _textarea(widget: dict[str, Any]) -> SafeString:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        _attrs(widget["attrs"]),
        widget["value"] if widget["value"] else "",
    )


def _select(widget: dict[str, Any]) -> SafeString:
    groups = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = format_html_join(
            "",
            # select_option.html ends with a newline, which its include keeps.
            '\n  <option value="{}"{}>{}</option>\n',
            ((_text(o["value"]), _attrs(o["attrs"]), o["label"]) for o in options),
        )
        if group_name:
            rendered = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered)
        groups.append(rendered)
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        _attrs(widget["attrs"]),
        format_html_join("", "{}", ((g,) for g in groups)),
    )


STEP_RENDERER = StepWidgetRenderer()
