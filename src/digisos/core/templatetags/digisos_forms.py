"""Accessible form widgets: aria-describedby to the hint and the error, aria-invalid when wrong."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def widget(field: BoundField) -> SafeString:
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def first_input_id(field: BoundField) -> str:
    """Where an error-summary link should move the focus: the field, or a choice group's first option."""
    input_type = getattr(field.field.widget, "input_type", "")
    if input_type in ("radio", "checkbox") and getattr(field.field, "choices", None):
        return f"{field.auto_id}_0"
    return field.auto_id
