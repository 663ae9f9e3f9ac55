"""Rewrites Aksel 7 markup (@navikt/ds-css 7, `navds-*` classes) to Aksel 8's (`aksel-*` classes, variants as
data attributes), in templates, Python, JavaScript and CSS under src/ and tests/.

    python3 tools/aksel8_migrate.py            # rewrite in place, list the files changed
    python3 tools/aksel8_migrate.py --check    # exit 1 if anything is left to rewrite

Idempotent: it only touches `navds-` classes, and leaves none behind, so a second run changes nothing. Re-run
it after merging a branch written with Aksel 7 classes. What it cannot rewrite alone — a variant computed in
the template (`navds-alert--{{ tag }}`) — it leaves as `aksel-alert--{{ tag }}`, and
tests/core/test_design_system.py then fails on the class with no CSS rule: move such a variant to
`data-color` by hand (see base.html's messages).

In Aksel 8 a button's variant is `data-variant` (primary, secondary, tertiary; "danger" is a primary button
with `data-color="danger"`), an alert's is `data-color` (info, success, warning, danger — Aksel 7's "error"),
and the default size ("medium") has no class.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("src", "tests")
SUFFIXES = (".html", ".py", ".js", ".css", ".txt")
SKIP_PARTS = {"node_modules", "locale", "__pycache__"}

# Aksel 7 modifier class -> the data attributes that replace it in Aksel 8 (empty: simply dropped).
MODIFIERS: dict[str, dict[str, str]] = {
    "navds-button--primary": {"data-variant": "primary"},
    "navds-button--secondary": {"data-variant": "secondary"},
    "navds-button--tertiary": {"data-variant": "tertiary"},
    "navds-button--danger": {"data-variant": "primary", "data-color": "danger"},
    "navds-button--medium": {},
    "navds-alert--info": {"data-color": "info"},
    "navds-alert--success": {"data-color": "success"},
    "navds-alert--warning": {"data-color": "warning"},
    "navds-alert--error": {"data-color": "danger"},
    "navds-alert--medium": {},
    "navds-table--medium": {},
    "navds-error-summary--medium": {},
    "navds-body--medium": {},
}
CLASS_ATTRIBUTE = re.compile(r"""\bclass=(?:"(?P<double>[^"]*navds-[^"]*)"|'(?P<single>[^']*navds-[^']*)')""")
# The source file's own code or docs may name the old prefix (this file does): don't rewrite those.
THIS_FILE = Path(__file__).resolve()


CLASS_NAME = re.compile(r"(?<![\w-])\s?(navds-[a-z0-9_-]*[a-z0-9])(?![\w-])")


def _rewrite_class_attribute(match: re.Match[str]) -> str:
    quote, value = ('"', match["double"]) if match["double"] is not None else ("'", match["single"])
    attributes: dict[str, str] = {}

    def rename(name_match: re.Match[str]) -> str:
        # A class name beside template code (`navds-alert--medium{% if … %}`) is found as well as a lone one.
        name = name_match[1]
        if name in MODIFIERS:
            attributes.update(MODIFIERS[name])
            return ""
        return name_match[0].replace("navds-", "aksel-")

    kept = re.sub(r" {2,}", " ", CLASS_NAME.sub(rename, value)).strip()
    rewritten = f"class={quote}{kept}{quote}"
    # An attribute the tag already has after the class (written by hand) is not written twice.
    rest = match.string[match.end() : match.string.find(">", match.end()) + 1 or None]
    for name, attr_value in attributes.items():
        if f"{name}=" not in rest:
            rewritten += f" {name}={quote}{attr_value}{quote}"
    return rewritten


def migrate_text(text: str) -> str:
    text = CLASS_ATTRIBUTE.sub(_rewrite_class_attribute, text)
    # Whatever is left: class names in JavaScript (`el.className = "navds-link"`), CSS selectors, Python.
    return re.sub(r"\bnavds-", "aksel-", text)


def files() -> list[Path]:
    found = []
    for top in SCANNED:
        for path in (ROOT / top).rglob("*"):
            if path.suffix not in SUFFIXES or SKIP_PARTS & set(path.parts) or path.resolve() == THIS_FILE:
                continue
            if path.name == "test_design_system.py":  # names the old prefix to catch it
                continue
            if path.is_file():
                found.append(path)
    return sorted(found)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    for path in files():
        text = path.read_text(encoding="utf-8")
        if "navds-" not in text:
            continue
        new = migrate_text(text)
        if new != text:
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in changed:
        print(path.relative_to(ROOT))
    if check and changed:
        print(
            f"{len(changed)} files still use Aksel 7 classes: run python3 tools/aksel8_migrate.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
