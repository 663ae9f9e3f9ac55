"""The public privacy page (the data-flow register) passes axe, with and without JavaScript."""

import pytest
from tests.fixtures.browser import check_accessibility, visit

from digisos.core.dataflows import FLOWS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_privacy_page_is_accessible_and_lists_every_flow(page):
    visit(page, "/personvern/")
    assert page.locator("[data-flow]").count() == len(FLOWS)
    check_accessibility(page)


def test_the_privacy_page_is_accessible_without_javascript(page_without_javascript):
    visit(page_without_javascript, "/personvern/")
    check_accessibility(page_without_javascript)
