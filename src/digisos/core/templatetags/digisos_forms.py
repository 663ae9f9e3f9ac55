"""Accessible form widgets: aria-describedby to the hint and the error, aria-invalid when wrong."""

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    """One form field, accessibly: a fieldset with a legend for choices, label + hint + error otherwise.

    Built in Python rather than a template include: the include (and a sub-template per radio button) made
    the step pages about twice as expensive to render, and those pages are the hottest in the application.
    """
    input_type = getattr(field.field.widget, "input_type", "")
    hint = (
        format_html(
            '<p class="aksel-body-short field__hint" id="{}-hint">{}</p>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    error = (
        format_html(
            '<p class="aksel-error-message aksel-label" id="{}-error">{}</p>', field.auto_id, field.errors[0]
        )
        if field.errors
        else ""
    )
    error_class = " field--error" if field.errors else ""
    if input_type in ("radio", "checkbox") and getattr(field.field, "choices", None):
        described = " ".join(
            part
            for part in (
                f"{field.auto_id}-hint" if field.help_text else "",
                f"{field.auto_id}-error" if field.errors else "",
            )
            if part
        )
        options = format_html_join(
            "\n",
            '<div class="choice"><input type="{}" name="{}" value="{}" id="{}"{}><label for="{}">{}</label></div>',
            (
                (
                    input_type,
                    field.html_name,
                    option.data["value"],
                    option.id_for_label,
                    mark_safe(" checked") if option.data["selected"] else "",
                    option.id_for_label,
                    option.choice_label,
                )
                for option in field
            ),
        )
        return format_html(
            '<fieldset class="aksel-fieldset field{}" id="{}"{}>\n<legend class="aksel-fieldset__legend aksel-label">{}</legend>\n{}{}\n{}</fieldset>',
            error_class,
            field.auto_id,
            format_html(' aria-describedby="{}"', described) if described else "",
            field.label,
            hint,
            options,
            error,
        )
    if input_type == "checkbox":
        return format_html(
            '<div class="field choice{}">{}<label for="{}">{}</label>{}</div>',
            error_class,
            widget(field),
            field.id_for_label,
            field.label,
            error,
        )
    required = (
        format_html(' <span class="field__required">({})</span>', gettext("må fylles ut"))
        if field.field.required
        else ""
    )
    return format_html(
        '<div class="aksel-form-field field{}">\n<label for="{}" class="aksel-label">{}{}</label>\n{}{}{}</div>',
        error_class,
        field.id_for_label,
        field.label,
        required,
        hint,
        widget(field),
        error,
    )
