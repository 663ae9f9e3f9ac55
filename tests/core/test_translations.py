"""Bokmål, nynorsk and English are complete: every text in the code has a translation, and the compiled
catalogues the site uses match the .po files."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

SRC = Path(__file__).resolve().parents[2] / "src" / "digisos"
LOCALE = SRC / "locale"
TRANSLATED = ["nn", "en"]


def _msgids(po_file: Path) -> set[str]:
    """The message ids of a .po file (joined across continuation lines), without the header."""
    ids, current, in_id = set(), [], False
    for line in po_file.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            if current:
                ids.add("".join(current))
            current, in_id = [re.sub(r'^msgid(_plural)? "(.*)"$', r"\2", line)], True
        elif line.startswith('"') and in_id:
            current.append(line[1:-1])
        else:
            in_id = False if not line.startswith('"') else in_id
    if current:
        ids.add("".join(current))
    ids.discard("")
    return ids


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    po_file = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def _extract_into_copy(tmp_path: Path, language: str, settings, monkeypatch) -> Path:
    """Run makemessages over a temporary copy of the source and return the .po it writes.

    makemessages writes to the `locale` directory beside the code it scans, so it runs in a copy whose
    `locale` starts empty: the result holds exactly the texts in the code, and the committed catalogue is
    never touched.
    """
    copy = tmp_path / "digisos"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=[language], no_obsolete=True, verbosity=0)
    return copy / "locale" / language / "LC_MESSAGES" / "django.po"


def _catalogue_bytes() -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(LOCALE.rglob("django.*"))}


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_covers_every_text_in_the_code(language, tmp_path, settings, monkeypatch):
    before = _catalogue_bytes()
    fresh = _extract_into_copy(tmp_path, language, settings, monkeypatch)

    assert _catalogue_bytes() == before, "the test must not write to the committed catalogues"
    in_code = _msgids(fresh)
    assert len(in_code) > 100, "extraction found almost no texts: is it scanning the code?"
    committed = _msgids(LOCALE / language / "LC_MESSAGES" / "django.po")
    missing = sorted(in_code - committed)
    assert not missing, f"texts without a {language} translation (run `make messages`): {missing[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_the_po_file(language, tmp_path):
    po_file = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(po_file)], check=True)
    with compiled.open("rb") as fresh, (po_file.with_suffix(".mo")).open("rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog, (
            "the committed .mo is stale: run `make messages`"
        )
