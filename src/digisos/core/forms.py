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
    """Django's CharField, whose stripping also takes the invisible characters `strip_invisible` does: str.strip()
    leaves a zero-width space (U+200B) or a BOM, so a required field holding only one counted as answered and was
    stored as if the person had written something."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if self.strip and isinstance(value, str) and value:
            value = strip_invisible(value)
            if not value:
                return self.empty_value
        return value
