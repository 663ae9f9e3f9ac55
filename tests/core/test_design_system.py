"""The pages use Aksel's (Nav's design system) CSS classes; a class with no rule in the CSS we ship styles
nothing. Aksel 8 renamed every class (navds-* → aksel-*), which left the whole site unstyled without a failing
test; these fail on such a mismatch, and on an Aksel 7 class left in the markup (tools/aksel8_migrate.py
rewrites those)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILT_CSS = ROOT / "var" / "assets" / "aksel" / "index.css"
# Classes Aksel's own components put in their markup without a rule of their own.
NO_RULE_IN_AKSEL = {"aksel-text-field", "aksel-textarea", "aksel-select", "aksel-file-upload"}
SCANNED_SUFFIXES = (".html", ".py", ".js", ".svg")


def _classes_in_markup() -> set[str]:
    used: set[str] = set()
    for path in (ROOT / "src" / "digisos").rglob("*"):
        if path.suffix in SCANNED_SUFFIXES:
            used |= set(re.findall(r"(?<![/\w-])aksel-[a-z0-9_-]*[a-z0-9]", path.read_text(encoding="utf-8")))
    return used


def test_every_aksel_class_the_pages_use_has_a_rule_in_the_css_we_ship():
    assert BUILT_CSS.exists(), "var/assets/aksel/index.css is missing: `make deps` builds it"
    rules = set(re.findall(r"\.(aksel-[a-z0-9_-]*[a-z0-9])", BUILT_CSS.read_text(encoding="utf-8")))
    used = _classes_in_markup()
    assert len(used) > 30  # the scan found the templates
    missing = used - rules - NO_RULE_IN_AKSEL
    assert not missing, f"classes with no rule in Aksel's CSS: {sorted(missing)}"


def test_no_aksel_7_class_is_left_in_the_markup():
    """A branch written with Aksel 7's classes, merged after the move to Aksel 8, styles nothing."""
    left = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "src" / "digisos").rglob("*")
        if path.suffix in (*SCANNED_SUFFIXES, ".css") and "navds-" in path.read_text(encoding="utf-8")
    )
    assert not left, f"Aksel 7 classes (navds-*) in {left}: run python3 tools/aksel8_migrate.py"


def test_the_aksel_icons_the_css_uses_are_built():
    site_css = (ROOT / "src" / "digisos" / "static" / "digisos" / "site.css").read_text(encoding="utf-8")
    icons = re.findall(r'url\("\.\./aksel/icons/([A-Za-z]+\.svg)"\)', site_css)
    assert len(icons) == 4
    for icon in icons:
        assert (BUILT_CSS.parent / "icons" / icon).exists(), (
            f"{icon} is not in var/assets: `make deps` builds it"
        )
