"""English pages say nothing in Norwegian but names: a text that bypasses gettext (a template's bare text, a
Python string without `_()`, a configuration text) shows up here in Norwegian. Each page of the citizen's
application is rendered in English and its visible text searched for Norwegian words, after taking out what
is not ours to translate: the person's own answers and the registers' facts, names of places and offices."""

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from digisos.application.models import Application
from tests.application.test_application_flow import upload_rental_contract, walk_through
from tests.factories import ANSWERS

pytestmark = pytest.mark.django_db

# Words that English never uses and nearly every Norwegian sentence does.
NORWEGIAN = re.compile(
    r"\b(og|ikke|du|deg|din|ditt|dine|har|kan|skal|må|vi|fra|til|på|med|eller|søknad\w*|kommunen|"
    r"engelsk|hvis|når|dette|levere|også|resepsjonen|kl)\b"
    # and Norwegian ways of writing a date or a time: "29. November 2026", "09.23"
    r"|\b\d{1,2}\. [A-Za-z]+ \d{4}\b|\b\d{2}\.\d{2}\b(?!\.\d)",
    re.IGNORECASE,
)
# In English, typed by the person: their own words are theirs, not ours to translate.
ENGLISH_ANSWERS = {
    **ANSWERS,
    "behov": {"hva": "Money for food and rent", "hvorfor": "I lost my job", "nodhjelp": ["mat"]},
}


class _Text(HTMLParser):
    """The text a person sees (and hears): text nodes and the alt, title, aria-label and placeholder texts,
    without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("alt", "title", "aria-label", "placeholder") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def norwegian_in(html: str, names: list[str]) -> list[str]:
    """The Norwegian words of the page's visible text, names and the person's facts taken out first."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in sorted({n for n in names if len(n) > 2}, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"\s+", " ", text)
    # Each word with the text around it, so that a failure says where to look.
    return sorted(
        {f"{m.group(0)}: …{text[max(0, m.start() - 50) : m.end() + 30]}…" for m in NORWEGIAN.finditer(text)}
    )


def _names(application: Application | None) -> list[str]:
    names = ["Norsk bokmål", "Norsk nynorsk", "DigiSos", "ID-porten"]
    if application is not None:
        application.refresh_from_db()
        names += _strings(application.registers) + _strings(application.answers) + [application.office_name]
    return names


def _english(client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_the_application_in_english_has_no_norwegian(client, citizen_of, reference_data, document_settings):
    user = citizen_of("kari-leier-oslo")
    client.force_login(user)
    client.post(reverse("application:new"))
    application = Application.objects.get(owner=user)
    walk_through(client, application, ENGLISH_ANSWERS)
    upload_rental_contract(client, application)
    _english(client)

    pages = {"start": reverse("application:start")}
    pages |= {
        slug: reverse("application:step", args=[application.id, slug])
        for slug in [*ANSWERS, "dokumentasjon", "oppsummering"]
    }
    found = {
        name: norwegian_in(client.get(url).content.decode(), _names(application))
        for name, url in pages.items()
    }
    client.post(reverse("application:send", args=[application.id]))
    found["receipt"] = norwegian_in(
        client.get(reverse("application:receipt", args=[application.id])).content.decode(),
        _names(application),
    )
    assert {page: words for page, words in found.items() if words} == {}


def test_a_paper_only_municipality_in_english_has_no_norwegian(client, citizen_of, reference_data):
    user = citizen_of("ikke-nordisk-drammen")
    client.force_login(user)
    _english(client)
    html = client.get(reverse("application:start")).content.decode()
    # Drammen's paper address is a name (an address); its note to citizens is a text, translated.
    names = [*_names(None), "Nav Drammen, Postboks 7000, 3002 Drammen", "Agnieszka Kowalska", "Drammen"]
    assert norwegian_in(html, names) == []


def test_the_language_menu_names_each_language_in_itself(client):
    for language in ("nb", "nn", "en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        html = client.get("/").content.decode()
        options = dict(re.findall(r'<option value="(\w+)" lang="\w+"[^>]*>([^<]+)</option>', html))
        assert options == {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}, (language, options)


# What a case system wrote (the factory's case: its sak, the document it asks for, its letters) is its own.
CASE_SYSTEM_TEXTS = ["Livsopphold", "Kontoutskrift", "Brukskonto, siste tre måneder", "Brev fra Nav"]


def test_the_case_pages_in_english_have_no_norwegian(client, reference_data, document_settings):
    from tests.factories import CaseFactory

    case = CaseFactory(state="paid")
    client.force_login(case.owner)
    _english(client)
    application = Application.objects.get(pk=case.application_id)
    names = [*_names(application), *CASE_SYSTEM_TEXTS]
    pages = {
        "mine": reverse("innsyn:mine"),
        "case": reverse("innsyn:case", args=[case.id]),
        "notifications": reverse("innsyn:notifications"),
    }
    found = {name: norwegian_in(client.get(url).content.decode(), names) for name, url in pages.items()}
    assert {page: words for page, words in found.items() if words} == {}
