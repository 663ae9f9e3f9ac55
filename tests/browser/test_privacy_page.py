"""The public privacy page (the data-flow register) passes axe, with and without JavaScript."""

import pytest
from playwright.sync_api import expect
from tests.fixtures.browser import check_accessibility, tab_to, visit

from digisos.core.dataflows import FLOWS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_privacy_page_is_accessible_and_lists_every_flow(page):
    visit(page, "/personvern/")
    assert page.locator("[data-flow]").count() == len(FLOWS)
    check_accessibility(page)


def test_the_privacy_page_is_accessible_without_javascript(page_without_javascript):
    visit(page_without_javascript, "/personvern/")
    check_accessibility(page_without_javascript)


def test_the_citizen_reads_who_looked_by_keyboard(page, live_server, municipalities_loaded):
    """Kari's case was looked at by NAV Kontaktsenter; she reads it on her page (keyboard only), axe-clean."""
    from django.conf import settings
    from django.test import Client
    from tests.fixtures.personas import citizen, persona_pid
    from tests.followup.conftest import case_for, employee, nks_agreement

    from digisos.followup.policy import NKS_ROLE, DataKind, Purpose
    from digisos.followup.services import check_access

    case_for("kari-leier-oslo", "0301")
    nks_agreement("0301", active=True)
    nils = employee("nils.nks", NKS_ROLE)
    check_access(nils, pid=persona_pid("kari-leier-oslo"), purpose=Purpose.PHONE_CALL, kind=DataKind.CASES)
    client = Client()
    client.force_login(citizen("kari-leier-oslo"))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    visit(page, "/personvern/hvem-har-sett/")
    expect(page.get_by_role("heading", name="Hvem har sett opplysningene mine")).to_be_visible()
    rows = page.get_by_test_id("lookup")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nav Kontaktsenter")
    expect(rows.first).not_to_contain_text("nils")
    check_accessibility(page)
    tab_to(page, "Slik bruker vi opplysningene dine")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Personvern og behandlingsgrunnlag", level=1)).to_be_visible()
    check_accessibility(page)
