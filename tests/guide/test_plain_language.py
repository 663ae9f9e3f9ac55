"""Plain language, measured: the LIX readability index of every Norwegian text of the guide is at most 40
(easy; see tests/guide/lix.py), in bokmål and in nynorsk.

Which texts: every msgid in the guide's templates and Python (forms, views, and texts.py, which lists the
data file's texts), each scored alone. LIX measures sentences: names and headings of fewer than four words
(«Økonomisk sosialhjelp», «Telefon:») are left out, as a two-word name scores only the length of its words
(2 + 50 per long word). They are still scored where a person reads them: each service as one card (its
name, what it is, why it fits, what to have ready) is also scored as one text.

Nynorsk is read from the compiled catalogue (gettext under the nn language), so the test measures what the
site will show: the translations live in src/digisos/locale, filled by the lead from
/work/wt/translations/<branch>.py. An untranslated text falls back to bokmål and is measured as such; the
translation-completeness test (tests/core/test_translations.py) is the one that fails for it.
"""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from digisos.guide.rules import guide_data
from tests.guide.lix import is_sentence, lix

GUIDE = Path(__file__).resolve().parents[2] / "src" / "digisos" / "guide"
MAX_LIX = 40


def guide_msgids() -> list[str]:
    found: list[str] = []
    for template in sorted(GUIDE.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        found += re.findall(r'{%\s*translate\s+"([^"]+)"', text)
        found += re.findall(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate", text, re.DOTALL)
        found += re.findall(r'_\("([^"]+)"\)', text)  # the Jinja2 body (guide/jinja2/)
    for module in sorted(GUIDE.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") in ("_", "gettext", "gettext_noop", "gettext_lazy")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append(node.args[0].value)
    return list(dict.fromkeys(found))


def in_language(text: str, language: str) -> str:
    # blocktranslate bodies are msgids with %(name)s for {{ name }}; templates' own text is what gettext sees.
    msgid = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", text)
    with translation.override(language):
        return translation.gettext(msgid)


def test_the_guide_has_texts_to_measure():
    texts = guide_msgids()
    assert len(texts) > 50 and "Økonomisk sosialhjelp" in texts and "Hva trenger du hjelp med?" in texts
    assert "Statens satser for å leve" in texts  # from the Jinja2 body


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_sentence_is_easy_to_read(language):
    too_hard = []
    for msgid in guide_msgids():
        text = in_language(msgid, language)
        if is_sentence(text) and lix(text) > MAX_LIX:
            too_hard.append(f"LIX {lix(text):.0f}: {text}")
    assert not too_hard, "\n".join(too_hard)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_service_card_is_easy_to_read(language):
    data = guide_data()
    too_hard = []
    for service in data.services.values():
        reasons = [rule.why for rule in data.rules if rule.service == service.id]
        parts = [service.name + ".", service.what, *reasons, *service.ready]
        card = " ".join(in_language(part, language) for part in parts)
        if lix(card) > MAX_LIX:
            too_hard.append(f"{service.id}: LIX {lix(card):.0f}")
    assert not too_hard, too_hard


def test_lix_of_known_texts():
    # Hand-counted: 8 words, 1 sentence, no long word → 8; 4 words, 2 long, 1 sentence → 4 + 50 = 54.
    assert lix("Du har ikke penger til mat i dag.") == 8
    assert lix("Boutgifter kommer i tillegg.") == pytest.approx(4 + 100 * 2 / 4)
    assert lix("Det er gratis. Ring oss i dag.") == pytest.approx(7 / 2)
