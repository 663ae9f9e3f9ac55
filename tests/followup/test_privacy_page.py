"""The public page "Personvern og behandlingsgrunnlag" is the data-flow register: every flow, every
retention rule, in the three languages, without login."""

import pytest
from django.urls import reverse
from django.utils import translation

from digisos.core.dataflows import FLOWS

pytestmark = pytest.mark.django_db


def _page(client, language: str = "nb"):
    client.cookies["django_language"] = language
    return client.get(reverse("followup:privacy"), HTTP_ACCEPT_LANGUAGE=language)


def test_the_page_is_public_and_lists_every_flow_with_its_basis_and_retention(client):
    response = _page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Personvern og behandlingsgrunnlag" in html
    with translation.override("nb"):
        for key, flow in FLOWS.items():
            assert f'data-flow="{key}"' in html, key
            assert f'data-retention="{key}"' in html, key
            assert str(flow.title).replace("'", "&#x27;") in html
            assert str(flow.legal_basis).replace("'", "&#x27;") in html


def test_a_flow_added_to_the_register_appears_on_the_page(client, monkeypatch):
    from dataclasses import replace

    from digisos.core import dataflows

    extra = replace(FLOWS["register.krr"], key="register.new_one", title="Et nytt register")
    monkeypatch.setitem(dataflows.FLOWS, "register.new_one", extra)
    html = _page(client).content.decode()
    assert 'data-flow="register.new_one"' in html
    assert "Et nytt register" in html


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_page_renders_in_every_language(client, language):
    response = _page(client, language)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
