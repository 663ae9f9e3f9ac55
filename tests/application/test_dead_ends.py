"""A person whose municipality cannot take a digital application is told so before the first step, with the
paper alternative and the guide, and cannot start one (issue 17, "Dead ends")."""

import pytest
from django.urls import reverse

from digisos.application import services
from digisos.application.models import Application
from digisos.municipalities.models import ServiceConfiguration
from digisos.municipalities.services import update_service_configuration

pytestmark = pytest.mark.django_db

START_FORM = f'action="{"/soknad/ny/"}"'


@pytest.mark.parametrize(
    ("key", "paper_address"),
    [
        ("ikke-nordisk-drammen", "Nav Drammen, Postboks 7000, 3002 Drammen"),  # paper only
        ("uten-konto-stavanger", "Nav Stavanger, Postboks 8001, 4068 Stavanger"),  # temporarily closed
    ],
)
def test_a_closed_municipality_is_told_before_the_first_step_with_paper_address_and_guide(
    client, citizen_of, reference_data, key, paper_address
):
    client.force_login(citizen_of(key))

    html = client.get(reverse("application:start")).content.decode()

    assert START_FORM not in html, "no 'Start ny søknad' for an application that cannot be sent"
    assert "Start ny søknad" not in html
    notice = html[html.index('data-testid="cannot-start"') :]
    assert paper_address in notice
    assert 'href="/veiviser/"' in notice


@pytest.mark.parametrize("key", ["ikke-nordisk-drammen", "uten-konto-stavanger"])
def test_starting_an_application_that_cannot_be_sent_is_refused_in_plain_words(
    client, citizen_of, reference_data, key
):
    user = citizen_of(key)
    client.force_login(user)

    response = client.post(reverse("application:new"))

    assert not Application.objects.filter(owner=user).exists()
    html = response.content.decode()
    assert "Søknaden kan ikke sendes digitalt" in html
    assert "Postboks" in html
    assert 'href="/veiviser/"' in html


def test_the_service_refuses_too(citizen_of, reference_data):
    with pytest.raises(services.ApplicationRefused) as refused:
        services.start_application(user=citizen_of("uten-konto-stavanger"))
    assert refused.value.reason == "municipality_closed"


def test_a_draft_started_before_the_municipality_closed_stays_readable(client, citizen_of, reference_data):
    user = citizen_of("kari-leier-oslo")
    application = services.start_application(user=user)
    update_service_configuration(
        actor=None,
        configuration=ServiceConfiguration.objects.get(pk="0301"),
        receiving_temporarily_disabled=True,
    )
    client.force_login(user)

    start = client.get(reverse("application:start")).content.decode()
    assert reverse("application:resume", args=[application.id]) in start
    assert START_FORM not in start
    step = client.get(reverse("application:step", args=[application.id, "behov"]))
    assert step.status_code == 200
    # Every step says it cannot be sent now, with the paper way, not only the summary.
    assert 'data-testid="cannot-start"' in step.content.decode()
    assert 'href="/veiviser/"' in step.content.decode()


def test_an_open_municipality_still_offers_the_start(client, citizen_of, reference_data):
    client.force_login(citizen_of("kari-leier-oslo"))
    html = client.get(reverse("application:start")).content.decode()
    assert START_FORM in html
    assert 'data-testid="cannot-start"' not in html


def test_an_open_municipalitys_steps_have_no_such_notice(client, citizen_of, reference_data):
    user = citizen_of("kari-leier-oslo")
    application = services.start_application(user=user)
    client.force_login(user)
    html = client.get(reverse("application:step", args=[application.id, "behov"])).content.decode()
    assert 'data-testid="cannot-start"' not in html
