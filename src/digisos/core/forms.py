"""Form fields shared by the apps."""

import unicodedata
from typing import Any

from django import forms


def strip_invisible(text: str) -> str:
    """`text` without whitespace and invisible format characters (zero-width space and joiners, the byte order
    mark, direction marks: Unicode's category Cf) at either end; those inside (an emoji's joiner) stay."""

    def invisible(char: str) -> bool:
        return char.isspace() or unicodedata.category(char) == "Cf"

    start, end = 0, len(text)
    while start < end and invisible(text[start]):
        start += 1
    while end > start and invisible(text[end - 1]):
        end -= 1
    return text[start:end]


class TextField(forms.CharField):
    """Django's CharField, with two differences.

    Its stripping also takes the invisible characters `strip_invisible` does: str.strip() leaves a zero-width
    space (U+200B) or a BOM, so a required field holding only one counted as answered and was stored as if the
    person had written something.

    Its limit is checked when the form is sent, with the field's error naming it and the text kept in the form to
    shorten, without the maxlength attribute Django gives the input: the browser stops typing and cuts a pasted
    text there without a word (a screen reader says nothing either), so a 5,000-character text was stored as its
    first 200 and no one knew."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if self.strip and isinstance(value, str) and value:
            value = strip_invisible(value)
            if not value:
                return self.empty_value
        return value
