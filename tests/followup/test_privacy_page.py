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


def test_every_retention_rule_is_one_periodic_job_or_says_it_is_not_automated(settings):
    from digisos.core.dataflows import RETENTION_RULES

    for rule in RETENTION_RULES:
        assert rule.periodic_task is None or rule.periodic_task in settings.PERIODIC_TASKS, rule.key
    jobs = [rule.periodic_task for rule in RETENTION_RULES if rule.periodic_task]
    assert len(jobs) == len(set(jobs)), "one job per rule"


def test_the_page_lists_the_retention_rules_with_when_each_job_last_ran(client):
    from datetime import UTC, datetime

    from digisos.core.dataflows import RETENTION_RULES
    from digisos.core.models import PeriodicRun

    PeriodicRun.objects.create(
        name="followup.audit_retention", last_enqueued_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    )
    html = _page(client).content.decode()
    for rule in RETENTION_RULES:
        assert f'data-rule="{rule.key}"' in html
    row = html.split('data-rule="access_log"')[1].split("</tr>")[0]
    assert "2. november 2026 kl. 03.00" in row  # Oslo time
    assert "Ikke kjørt ennå" in html.split('data-rule="drafts"')[1].split("</tr>")[0]
    assert "Ikke kjørt ennå" in html.split('data-rule="application_metadata"')[1].split("</tr>")[0]
