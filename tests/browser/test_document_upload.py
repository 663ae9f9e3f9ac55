"""The upload component in Chromium: log in, upload two files, see them listed, delete one. axe on every page.
One journey with JavaScript (progress, no reload), one by keyboard alone, one without JavaScript."""

import pytest
from playwright.sync_api import Page, expect
from tests.documents import corpus
from tests.fixtures.browser import check_accessibility, open_file_chooser_by_keyboard, tab_to, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_kari(page: Page) -> None:
    visit(page, "/dokumenter/prov-opplasting/")  # not logged in: straight to the local ID-porten
    expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    check_accessibility(page)
    page.locator("#sub-kari-leier-oslo").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Prøv å laste opp dokumenter")).to_be_visible()
    check_accessibility(page)


def files() -> list[dict]:
    return [
        {"name": "husleiekontrakt.pdf", "mimeType": "application/pdf", "buffer": corpus.pdf(pages=2)},
        {"name": "kontoutskrift.png", "mimeType": "image/png", "buffer": corpus.png()},
    ]


def test_upload_two_files_see_them_listed_delete_one(page, idporten_settings, document_settings):
    log_in_as_kari(page)
    page.get_by_label("Velg filer").set_input_files(files())
    page.get_by_role("button", name="Last opp").click()

    documents = page.get_by_role("list", name="Lastet opp")
    expect(documents.get_by_role("listitem")).to_have_count(2)
    expect(documents).to_contain_text("husleiekontrakt.pdf")
    expect(documents).to_contain_text("2 sider")
    expect(documents).to_contain_text("kontoutskrift.png")
    expect(page.locator("[data-live]")).to_contain_text("er lastet opp")
    check_accessibility(page)

    page.get_by_label("Velg filer").set_input_files(
        [{"name": "virus.txt", "mimeType": "text/plain", "buffer": corpus.EICAR}]
    )
    page.get_by_role("button", name="Last opp").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("virus.txt: Filen inneholder skadelig programvare")
    expect(page.get_by_label("Velg filer")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    page.get_by_role("button", name="Slett kontoutskrift.png").click()
    expect(page.get_by_role("heading", name="Prøv å laste opp dokumenter")).to_be_visible()
    check_accessibility(page)
    expect(documents.get_by_role("listitem")).to_have_count(1)
    expect(documents).not_to_contain_text("kontoutskrift.png")


def test_upload_and_delete_by_keyboard_alone(page, idporten_settings, document_settings):
    log_in_as_kari(page)
    tab_to(page, "Velg filer")
    expect(page.get_by_label("Velg filer")).to_be_focused()
    open_file_chooser_by_keyboard(page).set_files(files())
    tab_to(page, "^Last opp$")
    page.keyboard.press("Enter")
    documents = page.get_by_role("list", name="Lastet opp")
    expect(documents.get_by_role("listitem")).to_have_count(2)
    check_accessibility(page)

    tab_to(page, r"Slett\s+husleiekontrakt\.pdf")
    page.keyboard.press("Enter")
    expect(documents.get_by_role("listitem")).to_have_count(1)
    check_accessibility(page)
    expect(documents).to_contain_text("kontoutskrift.png")


def test_without_javascript_the_form_still_works(
    page_without_javascript, idporten_settings, document_settings
):
    page = page_without_javascript
    log_in_as_kari(page)
    page.get_by_label("Velg filer").set_input_files(
        [*files(), {"name": "tom.pdf", "mimeType": "application/pdf", "buffer": b""}]
    )
    page.get_by_role("button", name="Last opp").click()
    documents = page.get_by_role("list", name="Lastet opp")
    expect(documents.get_by_role("listitem")).to_have_count(2)
    expect(page.locator("[data-error-summary]")).to_contain_text("tom.pdf: Filen er tom.")
    check_accessibility(page)
    page.get_by_role("button", name="Slett husleiekontrakt.pdf").click()
    expect(documents.get_by_role("listitem")).to_have_count(1)
    check_accessibility(page)
