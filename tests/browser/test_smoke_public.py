import re

import pytest
from playwright.sync_api import expect
from tests.fixtures.browser import check_accessibility, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_page_is_accessible_and_has_a_skip_link(page):
    visit(page, "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert "Hopp til hovedinnhold" in focused
    page.keyboard.press("Enter")
    # Waits for the browser to follow the link: read at once, the address lagged on a loaded machine.
    expect(page).to_have_url(re.compile(r"#main$"))
    # The link must lead somewhere: its target exists and takes the focus, so the next Tab starts there.
    target = page.evaluate(
        """() => {
            const id = document.querySelector('a.skip-link').getAttribute('href').slice(1);
            const target = document.getElementById(id);
            const focused = document.activeElement;
            return {exists: !!target, focused: !!target && (focused === target || target.contains(focused))};
        }"""
    )
    assert target == {"exists": True, "focused": True}, target
    check_accessibility(page)
