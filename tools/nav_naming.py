"""Writes Nav's name as Nav has since 2022 ("Nav", "Nav-kontoret", "Nav Grünerløkka"), not "NAV", in the texts
and data under src/ and tests/.

    python3 tools/nav_naming.py                         # rewrite in place, list the files changed
    python3 tools/nav_naming.py --check                 # exit 1 if a text still says NAV
    python3 tools/nav_naming.py --translations OUT.py   # also write the changed msgids' nn/en translations

Idempotent (a second run changes nothing); re-run it after merging a branch that wrote "NAV". In Python only
strings (not docstrings) are rewritten. Left alone: NAV's own file formats and schemas (filformat/,
schemas/), migrations, the catalogues (locale/), a bare "NAV" string (an organisation code in a format), and
"NAV-loven" (the law's name); in Python, comments and docstrings (developers' notes) and code. Office names from NORG (municipalities/data/nav-kontor.json) are kept as the source
has them and written as Nav when loaded (municipalities.services).

A gettext msgid that changes loses its translations: --translations writes them, with the same rewrite, from the
nn and en catalogues into a file for tools/fill_translations.py.
"""

import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("src", "tests")
SUFFIXES = (".html", ".py", ".txt", ".js", ".yaml", ".json")
SKIP_PARTS = {"node_modules", "locale", "__pycache__", "migrations", "filformat", "schemas"}
SKIP_FILES = {"models.py", "filformat.py", "nav-kontor.json", "nav_naming.py", "test_nav_naming.py"}
# NAV as a word (not NAV_OFFICE, navds, /NAV/ in a path), except the law's name.
WORD = re.compile(r"(?<![\w/.])NAV(?![\w_])(?!-loven)")
# A line that must keep "NAV" (a pattern matching NORG's names) says so.
KEEP_MARK = "nav-naming: keep"
BARE = re.compile(r"""^(?P<q>["'])NAV(?P=q)$""")


def rewrite_text(text: str) -> str:
    return WORD.sub("Nav", text)


def _rewrite_python(source: str) -> str:
    """Only string literals: a constant named NAV stays a constant, comments and docstrings stay as written."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    # Rewrite from the end so earlier positions stay valid.
    for token in reversed(tokens):
        if token.type != tokenize.STRING or "NAV" not in token.string:
            continue
        # Docstrings are for developers (and NAV's rules they cite are the agency's); a bare "NAV" is a code.
        if (
            KEEP_MARK in token.line
            or BARE.match(token.string)
            or re.match(r"^[rbfuRBFU]*(\"\"\"|''')", token.string)
        ):
            continue
        (start_row, start_col), (end_row, end_col) = token.start, token.end
        if start_row == end_row:
            line = lines[start_row - 1]
            lines[start_row - 1] = line[:start_col] + rewrite_text(line[start_col:end_col]) + line[end_col:]
        else:
            first = lines[start_row - 1]
            lines[start_row - 1] = first[:start_col] + rewrite_text(first[start_col:])
            for row in range(start_row, end_row - 1):
                lines[row] = rewrite_text(lines[row])
            last = lines[end_row - 1]
            lines[end_row - 1] = rewrite_text(last[:end_col]) + last[end_col:]
    return "".join(lines)


def rewrite_file(path: Path, text: str) -> str:
    if path.suffix == ".py":
        return _rewrite_python(text)
    return rewrite_text(text)


def files() -> list[Path]:
    found = []
    for top in SCANNED:
        for path in (ROOT / top).rglob("*"):
            if path.suffix not in SUFFIXES or path.name in SKIP_FILES or SKIP_PARTS & set(path.parts):
                continue
            if path.is_file():
                found.append(path)
    return sorted(found)


def _catalogue(language: str) -> dict[str, str | tuple[str, str]]:
    """msgid -> msgstr (a plural entry: singular msgid -> (singular, plural) msgstr)."""
    sys.path.insert(0, str(ROOT))
    from tools.fill_translations import _read_string

    path = ROOT / "src" / "digisos" / "locale" / language / "LC_MESSAGES" / "django.po"
    lines = path.read_text(encoding="utf-8").split("\n")
    entries: dict[str, str | tuple[str, str]] = {}
    index = 0
    while index < len(lines):
        if not lines[index].startswith("msgid "):
            index += 1
            continue
        msgid, index = _read_string(lines, index)
        plural = lines[index].startswith("msgid_plural ")
        if plural:
            _, index = _read_string(lines, index)
        forms = []
        while index < len(lines) and lines[index].startswith("msgstr"):
            text, index = _read_string(lines, index)
            forms.append(text)
        entries[msgid] = (forms[0], forms[1]) if plural and len(forms) >= 2 else forms[0] if forms else ""
    return entries


def _rewritten(value: str | tuple[str, str]) -> str | tuple[str, str]:
    return tuple(rewrite_text(v) for v in value) if isinstance(value, tuple) else rewrite_text(value)


def translations() -> dict[str, tuple]:
    nynorsk, english = _catalogue("nn"), _catalogue("en")
    found = {}
    for msgid, nn in nynorsk.items():
        new = rewrite_text(msgid)
        if new != msgid and nn and english.get(msgid):
            found[new] = (_rewritten(nn), _rewritten(english[msgid]))
    return found


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    for path in files():
        text = path.read_text(encoding="utf-8")
        if "NAV" not in text:
            continue
        new = rewrite_file(path, text)
        if new != text:
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in changed:
        print(path.relative_to(ROOT))
    if "--translations" in argv:
        out = Path(argv[argv.index("--translations") + 1])
        entries = translations()
        body = "".join(f"    {k!r}: ({nn!r}, {en!r}),\n" for k, (nn, en) in sorted(entries.items()))
        out.write_text(
            '"""Translations of the msgids tools/nav_naming.py changed (NAV -> Nav)."""\n\nT = {\n'
            + body
            + "}\n",
            encoding="utf-8",
        )
        print(f"{len(entries)} translations written to {out}", file=sys.stderr)
    if check and changed:
        print(f"{len(changed)} files still write NAV: run python3 tools/nav_naming.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
