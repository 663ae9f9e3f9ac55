"""Accessible form widgets: aria-describedby to the hint and the error, aria-invalid when wrong."""

from django import template
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import ChoiceWidget, Input, Widget
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

# Aksel 8's markup for its form components (the React components render the same classes): a checked box's
# tick and a select's chevron are inline SVGs from @navikt/aksel-icons (MIT), hidden from screen readers.
CHECKMARK_SVG = mark_safe(
    '<svg class="aksel-checkbox__icon" width="13" height="10" viewBox="0 0 13 10" fill="none" aria-hidden="true"'
    ' focusable="false"><path d="M4.03524 6.41478L10.4752 0.404669C11.0792 -0.160351 12.029 -0.130672 12.5955'
    " 0.47478C13.162 1.08027 13.1296 2.03007 12.5245 2.59621L5.02111 9.59934C4.74099 9.85904 4.37559 10 4.00025"
    " 10C3.60651 10 3.22717 9.84621 2.93914 9.56111L0.439143 7.06111C-0.146381 6.47558 -0.146381 5.52542 0.439143"
    ' 4.93989C1.02467 4.35437 1.97483 4.35437 2.56036 4.93989L4.03524 6.41478Z" fill="currentColor"/></svg>'
)
CHEVRON_SVG = mark_safe(
    '<svg class="aksel-select__chevron" width="1em" height="1em" viewBox="0 0 24 24" fill="none" aria-hidden="true"'
    ' focusable="false"><path fill-rule="evenodd" clip-rule="evenodd" d="M5.96967 9.46967C6.26256 9.17678 6.73744'
    " 9.17678 7.03033 9.46967L12 14.4393L16.9697 9.46967C17.2626 9.17678 17.7374 9.17678 18.0303 9.46967C18.3232"
    " 9.76256 18.3232 10.2374 18.0303 10.5303L12.5303 16.0303C12.2374 16.3232 11.7626 16.3232 11.4697 16.0303L5.96967"
    ' 10.5303C5.67678 10.2374 5.67678 9.76256 5.96967 9.46967Z" fill="currentColor"/></svg>'
)
# The class Aksel gives each kind of input, and the class of the form field around it.
INPUT_CLASSES = {
    "textarea": ("aksel-textarea__input aksel-body-short", "aksel-textarea"),
    "select": ("aksel-select__input aksel-body-short", "aksel-select"),
    "checkbox": ("aksel-checkbox__input", "aksel-checkbox"),
    "file": ("file-input", "aksel-file-upload"),
}
RADIO_OPTION = (
    '<div class="aksel-radio{1}"><input type="{0}" class="aksel-radio__input" name="{2}" value="{3}" id="{4}"{5}>'
    '<label for="{4}" class="aksel-radio__label aksel-body-short">{6}</label></div>'
)
CHECKBOX_OPTION = (
    '<div class="aksel-checkbox{1}"><div class="aksel-checkbox__input-wrapper"><input type="{0}"'
    ' class="aksel-checkbox__input" name="{2}" value="{3}" id="{4}"{5}>{7}</div>'
    '<label for="{4}" class="aksel-checkbox__label aksel-body-short">{6}</label></div>'
)
TEXT_INPUT_CLASSES = ("aksel-text-field__input aksel-body-short", "aksel-text-field")


def _input_kind(field: BoundField) -> str:
    widget_object = field.field.widget
    if getattr(widget_object, "input_type", "") in ("checkbox", "file"):
        return widget_object.input_type
    name = type(widget_object).__name__.lower()
    return "textarea" if "textarea" in name else "select" if "select" in name else "text"


def _options(field: BoundField) -> list[tuple]:
    """Each option of a choice field as (value, id, selected, label): what `for option in field` gives (Django's
    BoundWidgets) read straight from the choices for a plain list of them. The BoundWidgets (an option dictionary
    with its attributes copied for each) were half the person lookup's form; a widget of its own, choices in
    groups or a field without an id still go through them. tests/core/test_plain_input.py compares both."""
    widget = field.field.widget
    kind = type(widget)
    id_ = widget.attrs.get("id") or field.auto_id
    plain = (
        id_
        and widget.option_inherits_attrs
        and all(
            getattr(kind, name) is getattr(ChoiceWidget, name)
            for name in ("optgroups", "create_option", "options", "subwidgets", "format_value")
        )
    )
    if plain:
        value = widget.format_value(field.value())
        options, has_selected = [], False
        for index, (option_value, label) in enumerate(widget.choices):
            if isinstance(label, (list, tuple)):
                break  # a group of choices: Django's way below
            option_value = "" if option_value is None else option_value
            selected = (not has_selected or widget.allow_multiple_selected) and str(option_value) in value
            has_selected |= selected
            options.append((option_value, widget.id_for_label(id_, str(index)), selected, label))
        else:
            return options
    return [
        (option.data["value"], option.id_for_label, option.data["selected"], option.choice_label)
        for option in field
    ]


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
    input_class = INPUT_CLASSES.get(_input_kind(field), TEXT_INPUT_CLASSES)[0]
    attrs["class"] = " ".join(filter(None, (field.field.widget.attrs.get("class"), input_class)))
    return _plain_input(field, attrs) or field.as_widget(attrs=attrs)


# Django's own templates of a plain <input>: each only includes input.html, which writes the type, the name, the
# value and the attributes (attrs.html). Nothing in the project overrides them (the form renderer is Django's).
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "email", "url", "password", "hidden", "search", "tel", "date", "time")
)


def _plain_input(field: BoundField, attrs: dict) -> SafeString | None:
    """`field.as_widget(attrs=attrs)` for a plain <input>, the same HTML written here instead of through the
    form renderer's two templates: that rendering (a template context, an include, a loop over the attributes)
    was a third of a small form's cost (the person lookup's fødselsnummer). The attributes and the value come
    from Django's own code (`build_widget_attrs`, the widget's `get_context`); only the writing is ours.
    tests/core/test_plain_input.py compares it with Django's for every kind of value and attribute. None for
    any other widget, or one that renders itself."""
    widget = field.field.widget
    if (
        widget.template_name not in _INPUT_TEMPLATES
        or not isinstance(widget, Input)
        or type(widget).render is not Widget.render
        or type(widget)._render is not Widget._render
        or type(field.form.renderer) is not DjangoTemplates
    ):
        return None
    if field.field.localize:
        widget.is_localized = True  # as as_widget does
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    value = context["value"]
    # attrs.html: False leaves the attribute out, True writes its name alone, anything else name="value". Each
    # name and value escaped as format_html escapes its arguments (conditional_escape), without a format_html of
    # its own for each: two per attribute were half of a small form's cost (the person lookup's).
    escaped = conditional_escape
    attributes = "".join(
        f" {escaped(name)}" if given is True else f' {escaped(name)}="{escaped(given)}"'
        for name, given in context["attrs"].items()
        if given is not False
    )
    shown = f' value="{escaped(value)}"' if value is not None else ""
    html = f'<input type="{escaped(context["type"])}" name="{escaped(context["name"])}"{shown}{attributes}>'
    return mark_safe(html)  # noqa: S308 - every name and value in it went through conditional_escape


@register.filter
def first_input_id(field: BoundField) -> str:
    """Where an error-summary link should move the focus: the field, or a choice group's first option."""
    input_type = getattr(field.field.widget, "input_type", "")
    if input_type in ("radio", "checkbox") and getattr(field.field, "choices", None):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def summary_label(field: BoundField) -> str:
    """What the error summary calls a field: its label, or, for a field that repeats on a page (an amount on
    every document's card), its `summary_label` that says which one it is."""
    return getattr(field.field, "summary_label", None) or field.label


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    """One form field, accessibly: a fieldset with a legend for choices, label + hint + error otherwise.

    Built in Python rather than a template include: the include (and a sub-template per radio button) made
    the step pages about twice as expensive to render, and those pages are the hottest in the application.
    """
    input_type = getattr(field.field.widget, "input_type", "")
    hint = (
        format_html(
            '<p class="aksel-form-field__description aksel-body-short field__hint" id="{}-hint">{}</p>',
            field.auto_id,
            field.help_text,
        )
        if field.help_text
        else ""
    )
    error = (
        format_html(
            '<div class="aksel-form-field__error"><p class="aksel-error-message aksel-label" id="{}-error">{}</p></div>',
            field.auto_id,
            field.errors[0],
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
        option_markup = CHECKBOX_OPTION if input_type == "checkbox" else RADIO_OPTION
        options = format_html_join(
            "\n",
            option_markup,
            (
                (
                    input_type,
                    f" aksel-{input_type}--error" if field.errors else "",
                    field.html_name,
                    value,
                    option_id,
                    mark_safe(" checked") if selected else "",
                    label,
                    CHECKMARK_SVG,
                )
                for value, option_id, selected, label in _options(field)
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
            '<div class="field"><div class="aksel-checkbox{}"><div class="aksel-checkbox__input-wrapper">{}{}</div>'
            '<label for="{}" class="aksel-checkbox__label aksel-body-short">{}</label></div>{}</div>',
            " aksel-checkbox--error" if field.errors else "",
            widget(field),
            CHECKMARK_SVG,
            field.id_for_label,
            field.label,
            error,
        )
    required = (
        format_html(' <span class="field__required">({})</span>', gettext("må fylles ut"))
        if field.field.required
        else ""
    )
    kind = _input_kind(field)
    field_class = INPUT_CLASSES.get(kind, TEXT_INPUT_CLASSES)[1]
    control = widget(field)
    if kind == "select":
        control = format_html('<div class="aksel-select__container">{}{}</div>', control, CHEVRON_SVG)
    return format_html(
        '<div class="aksel-form-field {}{}">\n<label for="{}" class="aksel-form-field__label aksel-label">{}{}</label>\n'
        "{}{}{}</div>",
        field_class,
        f" {field_class}--error field--error" if field.errors else "",
        field.id_for_label,
        field.label,
        required,
        hint,
        control,
        error,
    )
