"""Follow-up in Chromium with axe on every page: a municipal caseworker opens a person by keyboard (the
fødselsnummer in the POST body, never the URL), and an NKS adviser answers a call for a municipality with the
NKS agreement and is refused for one without."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from tests.fixtures.browser import check_accessibility, tab_to, visit
from tests.fixtures.personas import persona_pid
from tests.followup.conftest import answered_bostotte, case_for, employee, nks_agreement

from digisos.accounts.models import User
from digisos.accounts.services import employee_from_claims
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.models import AccessDecision
from digisos.followup.policy import NKS_ROLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KARI = "kari-leier-oslo"


def log_in(page: Page, live_server, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_a_caseworker_opens_a_person_by_keyboard(page, live_server, municipalities_loaded):
    case_for(KARI, "0301")
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    log_in(page, live_server, "sara")

    visit(page, "/oppfolging/")
    tab_to(page, "Fødselsnummer")
    page.keyboard.type(persona_pid(KARI))
    tab_to(page, "Oppfølging av personens sak")
    page.keyboard.press("Space")
    tab_to(page, "Slå opp")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("case")).to_have_count(1)
    assert persona_pid(KARI) not in page.url
    check_accessibility(page)
    assert AccessDecision.objects.get(data_kind__startswith="cases").outcome == "PERMIT"


def test_a_look_without_purpose_is_said_in_the_error_summary_that_leads_to_the_field(
    page, live_server, municipalities_loaded
):
    case_for(KARI, "0301")
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    log_in(page, live_server, "sara")

    visit(page, "/oppfolging/")
    page.get_by_label("Fødselsnummer eller d-nummer").fill(persona_pid(KARI))
    page.get_by_role("button", name="Slå opp").click()

    # Aksel's pattern, as every other form: the summary at the top takes the focus and links to the field.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Formål med oppslaget: Velg formålet med oppslaget.")
    expect(page.get_by_test_id("denied")).to_have_count(0)
    check_accessibility(page)
    summary.get_by_role("link", name="Formål med oppslaget: Velg formålet med oppslaget.").click()
    expect(page.get_by_label("Oppfølging av personens sak")).to_be_focused()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Slå opp").click()
    expect(page.get_by_test_id("case")).to_have_count(1)


def test_a_nav_office_employee_sees_the_combined_overview(page, live_server, municipalities_loaded):
    # The municipality's cases and the state registers' panels, each labelled with its source and legal basis.
    # She consented in the application to bostøtte being fetched: the Husbanken panel rests on that consent.
    answered_bostotte(case_for("familie-bergen", "0301", "0316"), "familie-bergen", consent=True)
    employee_from_claims({"sub": "vera", "roles": ["veileder"], "nav_office": "0316"})
    log_in(page, live_server, "employee-vera")

    visit(page, "/oppfolging/")
    page.get_by_label("Fødselsnummer eller d-nummer").fill(persona_pid("familie-bergen"))
    page.get_by_label("Oppfølging av personens sak").check()
    page.get_by_role("button", name="Slå opp").click()

    expect(page.get_by_test_id("case")).to_have_count(1)
    # Nav's own data rests on NAV-loven § 16; Husbanken's on the applicant's consent (sosialtjenesteloven § 43).
    for panel, text, basis in (
        ("register-nav_payments", "Barnetrygd", "NAV-loven § 16"),
        ("register-employment", "Demo Sykehus HF", "NAV-loven § 16"),
        ("register-housing_allowance", "BS-1001", "Sosialtjenesteloven § 43"),
    ):
        expect(page.get_by_test_id(panel)).to_contain_text(text)
        expect(page.get_by_test_id(panel)).to_contain_text(basis)
    check_accessibility(page)


def test_an_nks_adviser_answers_a_call(page, live_server, municipalities_loaded):
    case_for(KARI, "0301")
    case_for("familie-bergen", "4601")
    nks_agreement("0301", active=True)
    nks_agreement("4601", active=False)
    employee("nina", NKS_ROLE)
    log_in(page, live_server, "nina")

    visit(page, "/oppfolging/")
    page.get_by_label("Fødselsnummer eller d-nummer").fill(persona_pid(KARI))
    page.get_by_label("Innbyggeren er i telefonen").check()
    page.get_by_role("button", name="Slå opp").click()
    expect(page.get_by_test_id("case")).to_have_count(1)
    expect(page.get_by_test_id("case")).to_contain_text("Oslo")
    check_accessibility(page)

    page.get_by_label("Fødselsnummer eller d-nummer").fill(persona_pid("familie-bergen"))
    page.get_by_label("Innbyggeren er i telefonen").check()
    page.get_by_role("button", name="Slå opp").click()
    expect(page.get_by_test_id("denied")).to_be_visible()
    expect(page.get_by_test_id("case")).to_have_count(0)
    check_accessibility(page)
    assert list(
        AccessDecision.objects.filter(data_kind__startswith="cases")
        .order_by("id")
        .values_list("reason", flat=True)
    ) == [
        "permitted",
        "nks_agreement_off",
    ]


def test_a_caseworker_goes_from_the_work_queues_through_a_whole_queue_by_keyboard(
    page, live_server, municipalities_loaded, monkeypatch
):
    """The overview of every queue shows each queue's first rows and links to the queue's own page, which
    pages through all of it; axe and reflow at 320 px on each page."""
    from datetime import timedelta

    from django.utils import timezone
    from tests.followup.test_work_queues import delivery

    from digisos.followup import queues

    monkeypatch.setattr(queues, "PAGE", 5)
    for days in range(12):
        delivery(case_for(KARI, "0301"), "ettersendelse", timezone.now() - timedelta(days=days + 1))
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    log_in(page, live_server, "sara")

    visit(page, "/oppfolging/arbeidskoer/")
    expect(page.get_by_test_id("count-unread_documents")).to_have_text("12")
    expect(page.get_by_test_id("queue-unread_documents").get_by_test_id("row")).to_have_count(queues.PREVIEW)
    check_accessibility(page)
    tab_to(page, r"^\s*Se alle 12 i køen\s*$")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dokumenter sendt etter søknaden som ikke er sett"
    )
    rows = page.get_by_test_id("row")
    expect(rows).to_have_count(5)
    check_accessibility(page)
    seen = rows.all_inner_texts()
    for expected in (5, 2):
        tab_to(page, r"^\s*Neste side\s*$")
        page.keyboard.press("Enter")
        expect(rows).to_have_count(expected)
        check_accessibility(page)
        seen += rows.all_inner_texts()
    assert len(set(seen)) == 12  # each document once (its own time)
    tab_to(page, r"^\s*Til første side\s*$")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(5)
