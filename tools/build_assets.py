"""Builds the front-end assets from the npm packages into var/assets/ (served as static files): Aksel 8's CSS
(@navikt/ds-css), the few Aksel icons the site's CSS uses (@navikt/aksel-icons), and the fonts.

Aksel's CSS loads its fonts from NAV's CDN; our Content-Security-Policy allows fonts only from our own
origin (and the machines are offline), so the @font-face rules are replaced by self-hosted Source Sans 3
from @fontsource. No bundler is needed for this.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "var" / "assets" / "aksel"
FONT_WEIGHTS = ("400", "600", "700")
# The icons site.css puts in alerts (one per alert colour), from @navikt/aksel-icons.
ICONS = ("InformationSquareFill", "CheckmarkCircleFill", "ExclamationmarkTriangleFill", "XMarkOctagonFill")


def build() -> Path:
    aksel_css = (NODE / "@navikt" / "ds-css" / "dist" / "index.min.css").read_text(encoding="utf-8")
    without_cdn_fonts = re.sub(r"@font-face\{[^}]*\}", "", aksel_css)
    fontsource = NODE / "@fontsource" / "source-sans-3"
    font_css = []
    for weight in FONT_WEIGHTS:
        for style in ("", "-italic"):
            font_css.append((fontsource / f"latin-{weight}{style}.css").read_text(encoding="utf-8"))
            font_css.append((fontsource / f"latin-ext-{weight}{style}.css").read_text(encoding="utf-8"))
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "files").mkdir(parents=True)
    for font_file in (fontsource / "files").glob("source-sans-3-latin*-[4-7]00-*.woff2"):
        shutil.copy2(font_file, OUT / "files" / font_file.name)
    (OUT / "icons").mkdir()
    for icon in ICONS:
        shutil.copy2(
            NODE / "@navikt" / "aksel-icons" / "dist" / "svg" / f"{icon}.svg", OUT / "icons" / f"{icon}.svg"
        )
    # Only woff2 is copied: every browser we support reads it.
    fonts = re.sub(r",\s*url\([^)]*\.woff\)\s*format\('woff'\)", "", "\n".join(font_css))
    (OUT / "index.css").write_text(fonts + "\n" + without_cdn_fonts, encoding="utf-8")
    return OUT / "index.css"


if __name__ == "__main__":
    path = build()
    print(f"built {path.relative_to(ROOT)}", file=sys.stderr)
