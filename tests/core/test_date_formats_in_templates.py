"""Pages write dates with core/formatting.py's helpers (`|day`, `|day_and_time`), which follow the page's
language. Django's `|date:"j. F Y …"` writes the Norwegian pattern ("29. November 2026 kl. 09.23") on an English
page too (issue 17). The PDFs sent to the municipality are Norwegian documents and keep their own pattern."""

import re
from pathlib import Path

import digisos

NORWEGIAN_PATTERN = re.compile(r"\|date:\"[^\"]*(j\.|\\k\\l)")


def test_no_page_writes_a_date_in_the_norwegian_pattern() -> None:
    root = Path(digisos.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        if "pdf" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if NORWEGIAN_PATTERN.search(line)
    ]
    assert offenders == [], offenders
