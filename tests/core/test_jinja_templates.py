"""The Jinja2 fragments' texts reach the catalogue, and the fragments escape what they are given.

makemessages reads Jinja2 templates as Django templates (digisos/core/jinja2.py): a text it cannot see
(a tag over several lines, `{{- _(...) }}`, a plural) would silently stay bokmål in nynorsk and English, and
the translation test would not notice, since it only checks the texts makemessages finds."""

from pathlib import Path

import pytest
from django.template import engines
from django.utils.translation.template import templatize
from jinja2.ext import extract_from_ast

SRC = Path(__file__).resolve().parents[2] / "src" / "digisos"
TEMPLATES = sorted(SRC.glob("*/jinja2/**/*.html"))


def _texts_jinja_sees(source: str) -> list[str | tuple[str | None, ...]]:
    env = engines["jinja2"].env
    return [message for _, _, message in extract_from_ast(env.parse(source))]


def test_there_are_jinja_templates_to_check():
    assert TEMPLATES, "no Jinja2 templates found: is the glob right?"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(SRC)))
def test_makemessages_extracts_every_text_of_the_template(template):
    source = template.read_text(encoding="utf-8")
    extracted = templatize(source, origin=str(template))  # what makemessages hands to xgettext
    for message in _texts_jinja_sees(source):
        assert isinstance(message, str), (
            f"{message!r}: makemessages does not extract plurals from Jinja2 templates; pass a helper "
            "with the literal ngettext from Python"
        )
        assert f' _("{message}") ' in extracted, (
            f'makemessages does not see {message!r}: write it as _("...") at the start of {{{{ }}}} or in '
            "a {% %} tag on one line"
        )


def test_the_fragments_escape_what_they_are_given():
    html = (
        engines["jinja2"]
        .get_template("innsyn/fragments/requirements.html")
        .render(
            {
                "conditions": [type("C", (), {"title": "<b>x</b>", "description": '"&'})()],
                "requirements": [],
                "day": str,
            }
        )
    )
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html and "&#34;&amp;" in html
