"""Screenshots of the main pages, taken by `tools/screenshots.py` (not part of `make test`: the file name does not
start with test_, so pytest collects it only when it is named on the command line).

A citizen applies (a step and the summary are photographed on the way), a case system posts a case back, the
citizen's "Mine søknader" and case page are photographed; then Oslo's caseworker opens the inbox. Each page is
photographed in a separate browser context with the journey's cookies, at 1280 and 390 CSS pixels.
"""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.test_application_journeys import log_in, next_step, start
from tests.browser.test_inbox_journey import log_in_as_caseworker
from tests.fixtures.browser import check_accessibility, visit
from tests.fixtures.exchange import connect
from tests.inbox.conftest import send_application

from digisos.exchange.models import Case
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus, UtbetalingStatus, Utfall
from digisos_simulator.simulator import CaseStory, FagsystemClient, collect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# A very long page is cut here: the top of it shows the look, and the files stay small.
MAX_HEIGHT = 2400
PALETTE_COLOURS = 64


def _out_dir() -> Path:
    return Path(os.environ.get("DIGISOS_SCREENSHOTS_DIR", "docs/screens/after"))


def _save_small_png(raw: bytes, path: Path) -> None:
    """An 8-bit palette PNG: text and flat colours survive 64 colours, and the file is a tenth the size."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(raw)).convert("RGB")
    if image.height > MAX_HEIGHT:
        image = image.crop((0, 0, image.width, MAX_HEIGHT))
    image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def shoot(browser: Browser, page: Page, name: str, live_server_url: str) -> None:
    """Photographs the page `page` shows now, with its cookies, at each width (a fresh context each, so the
    journey's own page and its axe bookkeeping are untouched)."""
    state = page.context.storage_state()
    url = page.url
    out = _out_dir()
    out.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        context = browser.new_context(
            locale="nb-NO",
            base_url=live_server_url,
            storage_state=state,
            viewport={"width": width, "height": 900},
            device_scale_factor=1,
        )
        shot = context.new_page()
        shot.goto(url)
        shot.wait_for_load_state("load")
        _save_small_png(shot.screenshot(full_page=True), out / f"{name}-{width}.png")
        context.close()


def test_main_pages(
    browser, page, live_server, idporten_settings, document_settings, municipalities_loaded, municipality_keys
):
    def snap(name: str) -> None:
        shoot(browser, page, name, live_server.url)

    connect(municipality_keys)
    visit(page, "/")
    snap("01-forside")
    visit(page, "/kommuner/?q=Bergen")
    snap("02-kan-jeg-soke-digitalt")
    visit(page, "/veiviser/")
    snap("03-veiviser")

    # Sofie (Bergen, married, two children) applies.
    log_in(page, "familie-bergen")
    start(page)
    snap("04-soknad-personopplysninger")
    next_step(page, "Hva søker du om?")
    page.get_by_label("Hva søker du om?").fill("Mat til familien")
    for heading in ("Arbeid og utdanning", "Familiesituasjon"):
        next_step(page, heading)
    for group in page.get_by_role("group", name="Har dere delt bosted for barnet?").all():
        group.get_by_label("Nei").check()
    page.get_by_role("group", name="Betaler eller mottar du barnebidrag?").get_by_label("Nei").check()
    snap("05-soknad-familiesituasjon")
    next_step(page, "Bosituasjon")
    page.get_by_label("Jeg eier boligen").check()
    for heading in ("Inntekt og formue", "Utgifter", "Dokumentasjon", "Se over søknaden før du sender"):
        next_step(page, heading)
    snap("06-soknad-oppsummering")
    page.get_by_role("button", name="Send søknaden").click()
    expect(page.get_by_role("heading", name="Søknaden er sendt")).to_be_visible()
    check_accessibility(page)

    # Bergen's case system collects it and tells its story.
    bergen = FagsystemClient(
        base_url=live_server.url,
        client_id="test-fagsystem-4601",
        client_key_pem=(municipality_keys["4601"] / "klient.pem").read_bytes(),
    )
    (collected,) = collect(bergen, (municipality_keys["4601"] / "mottak.pem").read_bytes())
    case_id = collected.delivery["fiksDigisosId"]
    story = CaseStory(bergen, case_id)
    story.add(builders.soknads_status(SoknadsStatus.MOTTATT))
    story.add(builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING))
    letter = story.letter("etterspurt.pdf", "Vi trenger flere opplysninger", ["Send kontoutskrift."])
    story.add(
        builders.dokumentasjon_etterspurt(
            [
                builders.dokument(
                    "Kontoutskrift",
                    tilleggsinformasjon="Brukskonto",
                    innsendelsesfrist=datetime.now(UTC) + timedelta(days=7),
                    dokumentreferanse="dok-1",
                )
            ],
            forvaltningsbrev=letter,
        )
    )
    story.add(builders.saks_status("sak-1", tittel="Livsopphold"))
    decision = story.letter("vedtak.pdf", "Vedtak", ["Innvilget."])
    story.add(builders.vedtak_fattet(saksreferanse="sak-1", utfall=Utfall.INNVILGET, vedtaksfil=decision))
    story.add(
        builders.utbetaling(
            "u1",
            saksreferanse="sak-1",
            status=UtbetalingStatus.PLANLAGT_UTBETALING,
            belop=4200,
            beskrivelse="Livsopphold",
            forfallsdato=(datetime.now(UTC) + timedelta(days=2)).date(),
            annenMottaker=False,
            kontonummer="12345678903",
        )
    )
    visit(page, "/innsyn/")
    snap("07-mine-soknader")
    reference = Case.objects.get(pk=case_id).application.reference
    page.get_by_role("link", name=re.compile(reference)).first.click()
    check_accessibility(page)
    snap("08-sak")

    # Oslo's caseworker, in a browser of her own.
    page.context.clear_cookies()
    application = send_application("kari-leier-oslo")
    log_in_as_caseworker(page)
    snap("09-innboks")
    page.get_by_test_id("inbox").get_by_role("link", name=application.reference).click()
    check_accessibility(page)
    snap("10-innboks-sak")
