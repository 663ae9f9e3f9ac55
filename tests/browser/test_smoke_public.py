import pytest
from tests.fixtures.browser import check_accessibility, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_page_is_accessible_and_has_a_skip_link(page):
    visit(page, "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert "Hopp til hovedinnhold" in focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    check_accessibility(page)
