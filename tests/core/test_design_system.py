"""The pages use Aksel's (NAV's design system) CSS classes; a class with no rule in the CSS we ship styles
nothing. Aksel v8 renamed every class (navds-* → aksel-*), which left the whole site unstyled without a failing
test; this one fails on such a mismatch."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILT_CSS = ROOT / "var" / "assets" / "aksel" / "index.css"
# Classes Aksel's own components put in their markup without a rule of their own.
NO_RULE_IN_AKSEL = {"navds-text-field"}


def _classes_in_markup() -> set[str]:
    used: set[str] = set()
    for path in (ROOT / "src" / "digisos").rglob("*"):
        if path.suffix in (".html", ".py"):
            used |= set(re.findall(r"navds-[a-z0-9_-]*[a-z0-9]", path.read_text(encoding="utf-8")))
    return used


def test_every_aksel_class_the_pages_use_has_a_rule_in_the_css_we_ship():
    assert BUILT_CSS.exists(), "var/assets/aksel/index.css is missing: `make deps` builds it"
    rules = set(re.findall(r"\.(navds-[a-z0-9_-]*[a-z0-9])", BUILT_CSS.read_text(encoding="utf-8")))
    used = _classes_in_markup()
    assert len(used) > 30  # the scan found the templates
    # Aksel's default size (medium) has no modifier rule of its own.
    missing = {c for c in used - rules - NO_RULE_IN_AKSEL if not c.endswith("--medium")}
    assert not missing, f"classes with no rule in Aksel's CSS: {sorted(missing)}"
