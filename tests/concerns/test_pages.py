"""The reporter's pages over HTTP: urgency and choice, a municipality not activated, the form saved as a draft,
sending, the receipt, the copy for a public reporter, Mine meldinger without content; nb/nn/en."""

import io

import pikepdf
import pytest
from django.urls import reverse

from digisos.concerns.models import ConcernReport, ConcernState
from digisos.concerns.services import record_state
from digisos.concerns.validation import schema_violations

pytestmark = pytest.mark.django_db

PRIVATE = {
    "barn_antall": "1",
    "melder-telefonnummer": "912 34 567",
    "barn-0-personnavn": "Mia",
    "barn-0-adresselinje1": "Storgata 1",
    "barn-0-antatt_alder": "8",
    "melding-melding": "Hun er alene hjemme om kveldene.",
}
PUBLIC = {
    "barn_antall": "1",
    "foresatte_antall": "1",
    "melder-rolle": "Lærer",
    "melder-telefonnummer": "+47 912 34 567",
    "melder-epost": "lise.laerer@skole.no",
    "melder-virksomhet_orgnr": "910000411",
    "barn-0-identitet": "1.2.2019",
    "barn-0-personnavn": "Mia",
    "barn-0-adresselinje1": "Storgata 1",
    "barn-0-orientert": "ja",
    "foresatt-0-personnavn": "Mor Hansen",
    "foresatt-0-orientert": "ja",
    "melding-melding": "Blåmerker på armene.",
    "melding-historie": "Sett tre ganger siden august.",
}


def test_the_urgency_page_says_112_116111_and_the_municipalitys_barnevernvakt(client, offices):
    page = client.get(reverse("concerns:start")).content.decode()
    assert "112" in page and "116 111" in page and 'data-testid="choice"' not in page
    page = client.get(reverse("concerns:start"), {"kommune": "4601"}).content.decode()
    assert "55 36 11 80" in page  # Bergen's barnevernvakt, from the configuration
    assert "barnevernsloven § 13-2" in page and "Du kan ikke melde anonymt her" in page
    assert reverse("concerns:before", args=["4601", "privat"]) in page
    assert reverse("concerns:before", args=["4601", "offentlig"]) in page
    assert "Postboks 7700" in page  # where an anonymous letter goes


def test_a_municipality_not_activated_says_how_to_report_by_phone_or_letter(client, offices, citizen_of):
    page = client.get(reverse("concerns:start"), {"kommune": "5001"}).content.decode()
    assert 'data-testid="not-activated"' in page and "72 54 00 00" in page and "Torgarden" in page
    assert 'data-testid="choice"' not in page
    page = client.get(reverse("concerns:start"), {"kommune": "3301"}).content.decode()
    assert "kommunens nettsider" in page
    client.force_login(citizen_of("ola-student-trondheim"))
    response = client.post(reverse("concerns:before", args=["5001", "privat"]))
    assert response.status_code == 200 and 'data-testid="not-activated"' in response.content.decode()
    assert not ConcernReport.objects.exists()


def test_an_unknown_municipality_is_a_plain_error(client, offices):
    page = client.get(reverse("concerns:start"), {"kommune": "x' or 1=1"}).content.decode()
    assert "Velg kommunen fra listen." in page
    assert client.get("/bekymringsmelding/9999/privat/").status_code == 302  # login first
    assert client.get("/bekymringsmelding/4601/annet/").status_code == 404


@pytest.mark.parametrize("typed", ["\x00", "4601\x00", "\u0664\u0666\u0660\u0661"])
def test_a_number_that_is_not_four_digits_is_an_unknown_municipality(client, offices, typed):
    """A NUL in ?kommune= was looked up as typed: a database error (500). Digits of another script are not a
    number either (str.isdigit() takes them)."""
    page = client.get(reverse("concerns:start"), {"kommune": typed}).content.decode()
    assert "Velg kommunen fra listen." in page


def test_a_nul_in_what_was_typed_is_left_out_and_the_rest_kept(client, offices, citizen_of):
    """The draft keeps what was typed, valid or not, as JSON: a pasted text with a NUL in it (unseen) was a
    database error, and the report was lost. The NUL is left out; nothing else is."""
    report = _start(client, citizen_of("familie-bergen"))
    url = reverse("concerns:form", args=[report.id])
    typed = {
        "barn_antall": "1",
        "barn-0-personnavn": "Mi\x00a",
        "melding-melding": "Alene\x00 hjemme",
        "action": "save",
    }
    assert client.post(url, typed)["Location"] == reverse("concerns:mine")
    report.refresh_from_db()
    assert report.answers["barn"][0]["personnavn"] == "Mia"
    assert report.answers["melding"]["melding"] == "Alene hjemme"
    response = client.post(url, {**PRIVATE, "melding-melding": "Alene\x00 hjemme", "action": "send"})
    assert response["Location"] == reverse("concerns:receipt", args=[report.id])
    report.refresh_from_db()
    assert report.content["melding"] == "Alene hjemme"


def test_the_form_needs_an_id_porten_login(client, offices):
    response = client.get(reverse("concerns:before", args=["4601", "privat"]))
    assert response.status_code == 302 and reverse("accounts:citizen-login") in response["Location"]


def _start(client, user, kind: str = "privat", kommune: str = "4601") -> ConcernReport:
    client.force_login(user)
    response = client.post(reverse("concerns:before", args=[kommune, kind]))
    report = ConcernReport.objects.get(reporter=user)
    assert response["Location"] == reverse("concerns:form", args=[report.id])
    return report


def test_a_private_report_is_saved_as_a_draft_then_sent(client, offices, citizen_of):
    user = citizen_of("familie-bergen")
    report = _start(client, user)
    page = client.get(reverse("concerns:form", args=[report.id])).content.decode()
    assert "Du melder som Sofie" in page  # the name from Folkeregisteret
    # Half filled in, saved for later.
    half = {"barn_antall": "1", "barn-0-personnavn": "Mia", "action": "save"}
    assert client.post(reverse("concerns:form", args=[report.id]), half)["Location"] == reverse(
        "concerns:mine"
    )
    report.refresh_from_db()
    assert report.answers["barn"][0]["personnavn"] == "Mia" and report.status == "draft"
    assert 'value="Mia"' in client.get(reverse("concerns:form", args=[report.id])).content.decode()
    # Sending with a field missing names it and keeps what was typed.
    response = client.post(reverse("concerns:form", args=[report.id]), {**half, "action": "send"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Barn 1, barnets adresse: Skriv hvor barnet bor." in page
    assert "Bekymringen, hva er du bekymret for?: Skriv hva du er bekymret for." in page
    # Then sent.
    response = client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    assert response["Location"] == reverse("concerns:receipt", args=[report.id])
    report.refresh_from_db()
    assert report.status == "sent" and report.answers == {}
    assert schema_violations(report.content, "privat") == []
    assert report.content["privatMelder"] == {"personnavn": "Sofie Haugen", "telefonnummer": "912 34 567"}
    assert report.content["kommunenummer"] == "4601" and report.content["bydelsnummer"] == "00"
    assert [s.state for s in report.states.all()] == [ConcernState.State.AKSEPTERT]
    receipt = client.get(reverse("concerns:receipt", args=[report.id])).content.decode()
    assert "Meldingen er sendt" in receipt and "Barneverntjenesten i Bergen" in receipt
    assert 'data-testid="copy"' not in receipt  # the copy is for public reporters
    assert client.get(reverse("concerns:copy", args=[report.id])).status_code == 404
    # A sent report cannot be changed.
    client.post(
        reverse("concerns:form", args=[report.id]), {**PRIVATE, "melding-melding": "endret", "action": "send"}
    )
    report.refresh_from_db()
    assert report.content["melding"] == PRIVATE["melding-melding"]


def test_children_are_added_and_removed_without_javascript(client, offices, citizen_of):
    report = _start(client, citizen_of("familie-bergen"))
    url = reverse("concerns:form", args=[report.id])
    response = client.post(url, {**PRIVATE, "action": "add_child"})
    assert response["Location"] == f"{url}#barn-1"
    page = client.get(url).content.decode()
    assert 'id="barn-1"' in page and 'value="Mia"' in page
    client.post(url, {**PRIVATE, "barn_antall": "2", "barn-1-personnavn": "Jonas", "action": "send"})
    report.refresh_from_db()
    assert report.status == "draft"  # Jonas has no address yet
    client.post(
        url,
        {
            **PRIVATE,
            "barn_antall": "2",
            "barn-1-personnavn": "Jonas",
            "barn-1-adresselinje1": "Storgata 1",
            "action": "send",
        },
    )
    report.refresh_from_db()
    assert [child["personnavn"] for child in report.content["privatBarn"]] == ["Mia", "Jonas"]


def test_a_count_in_the_post_cannot_ask_for_a_thousand_children(client, offices, citizen_of):
    report = _start(client, citizen_of("familie-bergen"))
    client.post(
        reverse("concerns:form", args=[report.id]), {**PRIVATE, "barn_antall": "1000", "action": "save"}
    )
    report.refresh_from_db()
    assert len(report.answers["barn"]) == 10


def test_oslo_asks_for_the_district_and_routes_to_it(client, offices, citizen_of):
    report = _start(client, citizen_of("kari-leier-oslo"), kommune="0301")
    page = client.get(reverse("concerns:form", args=[report.id])).content.decode()
    assert "Hvilken bydel bor barnet i?" in page and "Bydel Sagene" in page
    client.post(
        reverse("concerns:form", args=[report.id]), {**PRIVATE, "bydel-bydel": "03", "action": "send"}
    )
    report.refresh_from_db()
    assert (report.content["bydelsnummer"], report.content["bydelsnavn"]) == ("03", "Bydel Sagene")
    assert report.office.bydelsnummer == "03"


def test_a_public_reporter_gets_a_copy_until_the_municipality_has_it(client, offices, citizen_of):
    report = _start(client, citizen_of("kari-leier-oslo"), kind="offentlig", kommune="5501")
    response = client.post(reverse("concerns:form", args=[report.id]), {**PUBLIC, "action": "send"})
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.content["offentligMelder"]["virksomhet"]["navn"] == "Fjellsiden skole"
    assert 'data-testid="copy"' in client.get(reverse("concerns:receipt", args=[report.id])).content.decode()
    pdf = client.get(reverse("concerns:copy", args=[report.id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        assert document.open_metadata().pdfa_status == "2B"
        text = b"".join(page.Contents.read_bytes() for page in document.pages if "/Contents" in page)
        assert text  # something was drawn
    for state in (ConcernState.State.SENDT_FAGSYSTEM, ConcernState.State.LEVERT):
        record_state(report, state)
    assert client.get(reverse("concerns:copy", args=[report.id])).status_code == 404


def test_mine_meldinger_shows_when_where_and_state_never_the_content(client, offices, citizen_of):
    user = citizen_of("familie-bergen")
    report = _start(client, user)
    client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    report.refresh_from_db()
    for state in (ConcernState.State.SENDT_FAGSYSTEM, ConcernState.State.LEVERT):
        record_state(report, state)
    page = client.get(reverse("concerns:mine")).content.decode()
    assert "Bergen" in page and "Levert til barneverntjenesten" in page
    for secret in ("Mia", "Storgata", "alene hjemme", "912 34 567"):
        assert secret not in page
    receipt = client.get(reverse("concerns:receipt", args=[report.id])).content.decode()
    assert "alene hjemme" not in receipt and "Mia" not in receipt


def test_nobody_else_sees_a_report(client, offices, citizen_of):
    report = _start(client, citizen_of("familie-bergen"))
    client.force_login(citizen_of("kari-leier-oslo"))
    for name in ("concerns:form", "concerns:receipt", "concerns:copy"):
        assert client.get(reverse(name, args=[report.id])).status_code == 404
    assert client.post(reverse("concerns:delete", args=[report.id])).status_code == 404
    assert "Bergen" not in client.get(reverse("concerns:mine")).content.decode()


def test_a_draft_can_be_deleted(client, offices, citizen_of):
    report = _start(client, citizen_of("familie-bergen"))
    client.post(reverse("concerns:delete", args=[report.id]))
    assert not ConcernReport.objects.filter(pk=report.id).exists()


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_pages_render_in_each_language(client, offices, citizen_of, language):
    client.cookies["digisos_language"] = language
    page = client.get(reverse("concerns:start"), {"kommune": "0301"}).content.decode()
    assert f'<html lang="{language}">' in page
    report = _start(client, citizen_of("familie-bergen"))
    assert client.get(reverse("concerns:form", args=[report.id])).status_code == 200
    assert client.get(reverse("concerns:mine")).status_code == 200


def test_the_receipt_e_mail_holds_no_content(
    client, offices, citizen_of, mailoutbox, django_capture_on_commit_callbacks
):
    report = _start(client, citizen_of("familie-bergen"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    (mail,) = mailoutbox
    assert mail.to == ["sofie.bergen@example.no"] and "Bergen" in mail.body
    for secret in ("Mia", "Storgata", "alene hjemme", "912 34 567", str(report.id)):
        assert secret not in mail.body and secret not in mail.subject


def test_no_receipt_e_mail_without_an_address_in_krr(
    client, offices, citizen_of, mailoutbox, django_capture_on_commit_callbacks
):
    report = _start(client, citizen_of("husbanken-feiler"))  # Bergen, no e-mail in KRR
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    assert ConcernReport.objects.get(pk=report.pk).status == "sent" and mailoutbox == []


def test_the_urgency_page_links_mine_meldinger_for_a_logged_in_citizen(client, offices, citizen_of):
    assert reverse("concerns:mine") not in client.get(reverse("concerns:start")).content.decode()
    client.force_login(citizen_of("familie-bergen"))
    assert reverse("concerns:mine") in client.get(reverse("concerns:start")).content.decode()


def test_deleting_a_sent_report_says_it_was_sent_and_deletes_nothing(client, offices, citizen_of):
    """ "Slett utkastet" in a tab opened before the report was sent in another: it said "Utkastet er slettet."
    and kept the report. Now the receipt says the report was sent and cannot be deleted."""
    report = _start(client, citizen_of("familie-bergen"))
    client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    response = client.post(reverse("concerns:delete", args=[report.id]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("concerns:receipt", args=[report.id])
    assert "Utkastet er slettet" not in page
    assert "Meldingen er allerede sendt, og kan ikke slettes." in page
    assert ConcernReport.objects.get(pk=report.id).status == ConcernReport.Status.SENT


def test_the_service_does_not_delete_a_sent_report(client, offices, citizen_of):
    from digisos.concerns import services

    report = _start(client, citizen_of("familie-bergen"))
    client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    stale = ConcernReport.objects.get(pk=report.id)
    stale.status = ConcernReport.Status.DRAFT  # as the view read it before the other tab sent it
    with pytest.raises(services.ReportRefused):
        services.delete_draft(report=stale)
    assert ConcernReport.objects.get(pk=report.id).status == ConcernReport.Status.SENT


def test_a_draft_saved_after_the_report_was_sent_is_refused_and_stores_nothing(client, offices, citizen_of):
    """The form read the draft; another tab sent it before the save: the save wrote the draft's answers back
    onto the sent report (whose answers are dropped when it is sent: only its content is kept)."""
    from digisos.concerns import services

    report = _start(client, citizen_of("familie-bergen"))
    client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    stale = ConcernReport.objects.get(pk=report.id)
    stale.status = ConcernReport.Status.DRAFT  # as the form read it before the other tab sent it
    with pytest.raises(services.ReportRefused):
        services.save_draft(report=stale, answers={"barn": [{"personnavn": "Mia"}]})
    assert ConcernReport.objects.get(pk=report.id).answers == {}


def test_the_form_posted_after_the_report_was_sent_goes_to_the_receipt_saying_so(
    client, offices, citizen_of, monkeypatch
):
    from digisos.concerns import services

    report = _start(client, citizen_of("familie-bergen"))
    save = services.save_draft

    def sent_first(*, report, answers):  # the other tab's send lands between the form's read and its save
        ConcernReport.objects.filter(pk=report.pk).update(status=ConcernReport.Status.SENT, answers={})
        return save(report=report, answers=answers)

    monkeypatch.setattr(services, "save_draft", sent_first)
    response = client.post(
        reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "save"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("concerns:receipt", args=[report.id])
    assert "Meldingen er allerede sendt" in response.content.decode()


def test_an_office_switched_off_while_the_form_was_filled_says_how_to_report_and_keeps_the_draft(
    client, offices, citizen_of, monkeypatch
):
    """The municipality's office stopped taking reports between the form's page and "Send": a 500 before."""
    from digisos.concerns import services

    report = _start(client, citizen_of("familie-bergen"))
    monkeypatch.setattr(services, "receiving_office", lambda *_args: None)
    response = client.post(reverse("concerns:form", args=[report.id]), {**PRIVATE, "action": "send"})
    assert response.status_code == 409 and 'data-testid="not-activated"' in response.content.decode()
    report.refresh_from_db()
    assert report.status == ConcernReport.Status.DRAFT and report.answers["barn"][0]["personnavn"] == "Mia"
