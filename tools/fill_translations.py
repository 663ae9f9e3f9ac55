"""Fill untranslated entries of the nn and en catalogues from a Python file of translations.

Usage: python tools/fill_translations.py TRANSLATIONS.py
where TRANSLATIONS.py defines T = {msgid: (nynorsk, english)}; plural entries use
{msgid: ((nn_singular, nn_plural), (en_singular, en_plural))}. Only empty msgstr entries are filled; the
fuzzy flag is removed from entries it fills. Run `make messages` before and after.
"""

import ast
import runpy
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "src" / "digisos" / "locale"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _read_string(lines: list[str], start: int) -> tuple[str, int]:
    """The string value of a msgid/msgstr starting at `start`, and the index after it."""
    first = lines[start].split(" ", 1)[1]
    parts = [ast.literal_eval(first)]
    index = start + 1
    while index < len(lines) and lines[index].startswith('"'):
        parts.append(ast.literal_eval(lines[index]))
        index += 1
    return "".join(parts), index


def fill(language: str, translations: dict) -> int:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    filled = 0
    column = 0 if language == "nn" else 1
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("msgid "):
            msgid, after = _read_string(lines, index)
            block = lines[index:after]
            plural = None
            if after < len(lines) and lines[after].startswith("msgid_plural "):
                plural, after2 = _read_string(lines, after)
                block += lines[after:after2]
                after = after2
            strs = []
            while after < len(lines) and lines[after].startswith("msgstr"):
                value, nxt = _read_string(lines, after)
                strs.append((lines[after].split(" ", 1)[0], value))
                after = nxt
            entry = translations.get(msgid)
            start = len(out)
            while start > 0 and out[start - 1].startswith("#"):
                start -= 1
            comments = out[start:]
            fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in comments)
            if msgid and entry is not None and (all(value == "" for _, value in strs) or fuzzy):
                target = entry[column]
                if plural is None:
                    strs = [("msgstr", target)]
                else:
                    strs = [("msgstr[0]", target[0]), ("msgstr[1]", target[1])]
                filled += 1
                kept = []
                for line in comments:
                    if line.startswith("#|"):
                        continue  # the previous msgid of a fuzzy entry no longer applies
                    if line.startswith("#,"):
                        flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
                        if not flags:
                            continue
                        line = "#, " + ", ".join(flags)
                    kept.append(line)
                out[start:] = kept
            out.extend(block)
            out.extend(f"{key} {_quote(value)}" for key, value in strs)
            index = after
            continue
        out.append(line)
        index += 1
    path.write_text("\n".join(out), encoding="utf-8")
    return filled


def main() -> None:
    translations = runpy.run_path(sys.argv[1])["T"]
    for language in ("nn", "en"):
        print(language, fill(language, translations), "filled")


if __name__ == "__main__":
    main()
