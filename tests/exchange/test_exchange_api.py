"""The standardised interface end to end over HTTP (Django test client): a sent application becomes a
delivery encrypted to the municipality, a case system collects it with its own token, reports events and
letters; another municipality sees nothing."""

import json
import threading
import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from digisos.application.filformat_validation import soknad_errors
from digisos.core.models import AuditEntry
from digisos.exchange.models import Case, CaseItem, Delivery
from digisos.municipalities.models import ServiceConfiguration
from digisos.registers.adapters.local import load_population
from digisos.soker import builders
from digisos.soker.constants import EventType, SoknadsStatus
from digisos_simulator.simulator import decrypt, letter_pdf
from tests.factories import decision_events
from tests.fixtures.documents import openssl_decrypt
from tests.fixtures.exchange import apply, token_for
from tests.fixtures.personas import citizen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def soker(*events: dict, version: str = "1.0.0") -> dict:
    base = [builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z")]
    return {
        "version": version,
        "avsender": {"systemnavn": "Test", "systemversjon": "1"},
        "hendelser": base + list(events),
    }


@pytest.fixture
def sent(client, connected, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, citizen("familie-bergen"))
    return application


def test_sent_application_is_collected_decrypted_and_acknowledged_by_its_own_municipality_only(
    sent, exchange_api, connected
):
    case = Case.objects.get(application=sent)
    delivery = Delivery.objects.get(case=case)
    assert (delivery.status, delivery.channel, delivery.attempts) == ("available", "api", 1)

    bergen = exchange_api("4601")
    page = bergen.get("/leveranser").json()
    assert [d["id"] for d in page["leveranser"]] == [str(delivery.public_id)] and page["neste"] is None
    listed = page["leveranser"][0]
    assert listed["fiksDigisosId"] == str(case.id) and listed["navEksternRefId"] == str(sent.id)
    roles = [f["rolle"] for f in listed["filer"]]
    assert roles[:3] == ["soknad.json", "vedlegg.json", "soknad.pdf"] and roles[3:] == ["vedlegg"]

    key = (connected["4601"] / "mottak.pem").read_bytes()
    files = {}
    for file in listed["filer"]:
        response = bergen.get(f"/leveranser/{listed['id']}/filer/{file['id']}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pkcs7-mime"
        assert len(response.content) == file["storrelse"]
        files[file["filnavn"]] = decrypt(response.content, key)
    soknad = json.loads(files["soknad.json"])
    assert soknad == sent.soknad_json and soknad_errors(soknad) == []
    assert json.loads(files["vedlegg.json"]) == sent.vedlegg_json
    assert files["soknad.pdf"].startswith(b"%PDF-")
    # The attachments' names are the case's items too (the caseworker's person overview reads them there).
    attachments = CaseItem.objects.filter(case=case, kind=CaseItem.Kind.FILE).order_by("position")
    assert list(attachments.values_list("title", "owner_id", "rank_at")) == [
        (file["filnavn"], case.owner_id, delivery.created_at) for file in listed["filer"][3:]
    ]

    # Tromsø's case system sees none of it: not in its list, 404 on the delivery, its files and the case.
    tromso = exchange_api("5501")
    assert tromso.get("/leveranser").json()["leveranser"] == []
    assert tromso.get(f"/leveranser/{listed['id']}").status_code == 404
    assert tromso.get(f"/leveranser/{listed['id']}/filer/{listed['filer'][0]['id']}").status_code == 404
    assert tromso.get(f"/saker/{case.id}").status_code == 404
    assert tromso.post(f"/saker/{case.id}/digisos-soker", soker()).status_code == 404
    assert tromso.post(f"/leveranser/{listed['id']}/kvittering").status_code == 404

    # Acknowledging twice is safe; a collected delivery leaves the list of new ones but can still be read.
    first = bergen.post(f"/leveranser/{listed['id']}/kvittering").json()
    second = bergen.post(f"/leveranser/{listed['id']}/kvittering").json()
    assert first["status"] == second["status"] == "collected" and first["mottatt"] == second["mottatt"]
    assert bergen.get("/leveranser").json()["leveranser"] == []
    assert bergen.get(f"/leveranser/{listed['id']}").json()["status"] == "collected"
    assert AuditEntry.objects.filter(action="exchange.delivery_collected").count() == 1


def test_every_delivered_file_opens_with_openssl_cms_decrypt(sent, connected, exchange_api, tmp_path):
    bergen = exchange_api("4601")
    listed = bergen.get("/leveranser").json()["leveranser"][0]
    for file in listed["filer"]:
        encrypted = tmp_path / f"{file['id']}.p7m"
        encrypted.write_bytes(bergen.get(f"/leveranser/{listed['id']}/filer/{file['id']}").content)
        opened = openssl_decrypt(
            encrypted, connected["4601"] / "mottak.pem", connected["4601"] / "mottak.crt"
        )
        assert opened == decrypt(encrypted.read_bytes(), (connected["4601"] / "mottak.pem").read_bytes())


def test_letters_and_events_are_stored_and_the_same_document_twice_is_one_version(sent, exchange_api):
    bergen = exchange_api("4601")
    case = Case.objects.get(application=sent)
    uploaded = bergen.post(
        f"/saker/{case.id}/filer",
        {"filer": [_file("vedtak.pdf", letter_pdf("Vedtak", ["Innvilget."]))]},
        content_type=None,
    )
    assert uploaded.status_code == 200, uploaded.content
    letter_id = uploaded.json()[0]["dokumentlagerDokumentId"]
    document = soker(
        *decision_events(letter_id, start=datetime(2026, 11, 23, 10, 1, tzinfo=UTC), saksreferanse="s1")
    )
    first = bergen.post(f"/saker/{case.id}/digisos-soker", document)
    assert (
        first.status_code == 200 and first.json()["endret"] is True and first.json()["antallHendelser"] == 3
    )
    second = bergen.post(f"/saker/{case.id}/digisos-soker", document)
    assert second.status_code == 200 and second.json()["endret"] is False
    assert AuditEntry.objects.filter(action="exchange.case_events", object_id=str(case.id)).count() == 1
    assert bergen.get(f"/saker/{case.id}/digisos-soker").json() == document
    assert [d["dokumentlagerDokumentId"] for d in bergen.get(f"/saker/{case.id}").json()["dokumenter"]] == [
        letter_id
    ]

    # A delayed retry of an older version (its newest event is earlier) cannot roll the case back.
    older = bergen.post(f"/saker/{case.id}/digisos-soker", soker())
    assert older.status_code == 409 and older.json()["code"] == "older_document"
    case.refresh_from_db()
    assert len(case.soker["hendelser"]) == 3


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (
            soker(builders.event(EventType.UTBETALING, at="2026-11-23T11:00:00.000Z", status="BETALT")),
            "hendelser/1",
        ),
        (
            soker(
                builders.event(
                    EventType.UTBETALING,
                    at="2026-11-23T11:00:00.000Z",
                    utbetalingsreferanse="u",
                    status="BETALT",
                )
            ),
            "hendelser/1/status",
        ),
        (
            soker(builders.soknads_status(SoknadsStatus.MOTTATT, at="i går")),
            "hendelser/1/hendelsestidspunkt",
        ),
        (
            {"version": "1.0.0", "avsender": {"systemnavn": "x", "systemversjon": "1"}, "hendelser": []},
            "hendelser",
        ),
        (
            {"avsender": {"systemnavn": "x", "systemversjon": "1"}, "hendelser": soker()["hendelser"]},
            "version",
        ),
        (
            {
                **soker(),
                "hendelser": [
                    builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at="2026-11-23T10:00:00.000Z")
                ],
            },
            "hendelser",
        ),
        (
            soker(
                builders.event(
                    EventType.VEDTAK_FATTET,
                    at="2026-11-23T11:00:00.000Z",
                    saksreferanse="s",
                    vedtaksfil=builders.letter("5d0c3a0e-8c1e-4c3e-9d7e-0a0b0c0d0e0f"),
                )
            ),
            "hendelser/1/vedtaksfil/referanse/id",
        ),
    ],
)
def test_invalid_event_documents_get_400_naming_the_path(sent, exchange_api, document, path):
    case = Case.objects.get(application=sent)
    response = exchange_api("4601").post(f"/saker/{case.id}/digisos-soker", document)
    assert response.status_code == 400, response.content
    assert path in [e["path"] for e in response.json()["errors"]], response.json()
    case.refresh_from_db()
    assert case.soker is None


def test_unknown_event_types_are_kept_and_logged_not_refused(sent, exchange_api):
    case = Case.objects.get(application=sent)
    document = soker(
        {
            "type": "klageStatus",
            "hendelsestidspunkt": "2026-11-23T11:00:00.000Z",
            "status": SoknadsStatus.MOTTATT,
        }
    )
    response = exchange_api("4601").post(f"/saker/{case.id}/digisos-soker", document)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.soker["hendelser"][1]["type"] == "klageStatus"


@pytest.mark.parametrize(
    ("flags", "status", "code"),
    [
        ({"updates_temporarily_disabled": True}, 409, "updates_temporarily_disabled"),
        ({"can_update_status": False}, 403, "updates_not_enabled"),
    ],
)
def test_posting_while_updates_are_off_is_refused_with_a_clear_4xx(sent, exchange_api, flags, status, code):
    ServiceConfiguration.objects.filter(pk="4601").update(**flags)
    bergen = exchange_api("4601")
    assert bergen.get("/kommune").json()["harMidlertidigDeaktivertOppdateringer"] is flags.get(
        "updates_temporarily_disabled", False
    )
    response = bergen.post(f"/saker/{Case.objects.get(application=sent).id}/digisos-soker", soker())
    assert response.status_code == status and response.json()["code"] == code


def test_grants_are_checked_signature_audience_scope_and_replay(connected):
    client = Client()
    from tests.fixtures.exchange import signer

    bergen = signer(connected, "4601")
    assertion = bergen.assertion()
    ok = client.post(
        "/api/exchange/v1/token",
        {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
    )
    assert ok.status_code == 200 and ok.json()["scope"] == "exchange:collect exchange:report"
    replay = client.post(
        "/api/exchange/v1/token",
        {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
    )
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    # Tromsø's key cannot sign for Bergen's client.
    forged = signer(connected, "5501")
    forged.client_id = "test-fagsystem-4601"
    refused = client.post(
        "/api/exchange/v1/token",
        {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": forged.assertion()},
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"

    wrong_audience = signer(connected, "4601", audience="someone-else").assertion()
    assert (
        client.post(
            "/api/exchange/v1/token",
            {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": wrong_audience},
        ).status_code
        == 400
    )
    assert (
        client.post("/api/exchange/v1/token", {"grant_type": "password", "assertion": "x"}).json()["error"]
        == "unsupported_grant_type"
    )

    # A token with only the collect scope cannot report.
    collect_only = token_for(client, connected, "4601", scope="exchange:collect")
    response = client.post(
        f"/api/exchange/v1/saker/{uuid.uuid4()}/digisos-soker",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {collect_only}",
    )
    assert response.status_code == 403
    assert (
        client.get("/api/exchange/v1/leveranser", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    )


def test_paper_application_becomes_a_case_of_its_owner_without_the_number_in_the_url(connected, exchange_api):
    pid = next(p["pid"] for p in load_population().values() if p["key"] == "familie-bergen")
    bergen = exchange_api("4601")
    response = bergen.post("/saker", {"fodselsnummer": pid, "enhetsnummer": "1203"})
    assert response.status_code == 201 and response.json()["papirsoknad"] is True
    assert response.json()["enhetsnummer"] == "1203"
    case = Case.objects.get(pk=response.json()["fiksDigisosId"])
    assert case.owner.pid == pid and case.municipality_id == "4601" and case.application is None
    assert case.office_id == "1203"
    bad = bergen.post("/saker", {"fodselsnummer": "12345678901"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_fodselsnummer"
    assert pid not in json.dumps(list(AuditEntry.objects.values("object_id", "after", "before")))


def test_a_paper_case_at_an_office_the_register_lacks_is_refused_naming_the_field(connected, exchange_api):
    pid = next(p["pid"] for p in load_population().values() if p["key"] == "familie-bergen")
    cases = Case.objects.count()

    response = exchange_api("4601").post("/saker", {"fodselsnummer": pid, "enhetsnummer": "9999"})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "unknown_office"
    assert [error["path"] for error in body["errors"]] == ["enhetsnummer"]
    assert "9999" in body["detail"]
    assert Case.objects.count() == cases


def test_a_paper_case_without_an_office_has_none(connected, exchange_api):
    pid = next(p["pid"] for p in load_population().values() if p["key"] == "familie-bergen")

    response = exchange_api("4601").post("/saker", {"fodselsnummer": pid})

    assert response.status_code == 201 and response.json()["enhetsnummer"] == ""
    assert Case.objects.get(pk=response.json()["fiksDigisosId"]).office_id is None


def test_letters_must_be_pdf(sent, exchange_api):
    case = Case.objects.get(application=sent)
    response = exchange_api("4601").post(
        f"/saker/{case.id}/filer", {"filer": [_file("brev.txt", b"hei")]}, content_type=None
    )
    assert response.status_code == 415 and "PDF" in response.json()["detail"]


def test_a_letter_over_the_size_limit_is_refused_with_413_naming_the_field(sent, exchange_api, settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_FILE_BYTES": 1024 * 1024}
    case = Case.objects.get(application=sent)
    big = letter_pdf("Vedtak", ["Innvilget"]) + b"%" + b"0" * (3 * 1024 * 1024)
    response = exchange_api("4601").post(
        f"/saker/{case.id}/filer", {"filer": [_file("vedtak.pdf", big)]}, content_type=None
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and body["detail"].startswith("Filen er større enn 1 MB.")
    assert body["errors"] == [{"path": "filer/0", "message": body["detail"]}]
    assert not case.letters.documents.exists()


def test_listing_is_cursor_paged(sent, exchange_api):
    first_delivery = Delivery.objects.get(case__application=sent)
    for number in (1, 2):
        Delivery.objects.create(
            case=first_delivery.case,
            kind="ettersendelse",
            municipality_id="4601",
            channel="api",
            nav_ekstern_ref_id=f"{sent.id}{number:04d}",
            status="available",
            folder=first_delivery.folder,
            vedlegg_json={"vedlegg": []},
        )
    bergen = exchange_api("4601")
    first = bergen.get("/leveranser", {"antall": 2}).json()
    assert len(first["leveranser"]) == 2 and first["neste"]
    rest = bergen.get("/leveranser", {"antall": 2, "etter": first["neste"]}).json()
    assert len(rest["leveranser"]) == 1 and rest["neste"] is None
    assert bergen.get("/leveranser", {"antall": 0}).status_code == 400


def test_the_listing_is_one_query_however_many_deliveries_and_files(
    sent, exchange_api, django_assert_num_queries
):
    """The case systems poll the list all day: the deliveries and their files come in one query (joined), and
    the token check needs none, so a page of 200 costs one round trip as a page of one does."""
    first_delivery = Delivery.objects.get(case__application=sent)
    bergen = exchange_api("4601")
    with django_assert_num_queries(1):
        one = bergen.get("/leveranser").json()["leveranser"]
    for number in (1, 2, 3):
        extra = Delivery.objects.create(
            case=first_delivery.case,
            kind="ettersendelse",
            municipality_id="4601",
            channel="api",
            nav_ekstern_ref_id=f"{sent.id}{number:04d}",
            status="available",
            folder=first_delivery.folder,
            vedlegg_json={"vedlegg": []},
        )
        for position, file in enumerate(first_delivery.files.all()):
            file.pk = uuid.uuid4()
            file.delivery = extra
            file.position = 10 - position  # stored in reverse: the list orders them by position
            file.storage_name = f"{file.storage_name}-{number}"
            file.save()
    with django_assert_num_queries(1):
        page = bergen.get("/leveranser").json()["leveranser"]
    assert page[0] == one[0] and len(page) == 4
    expected = [
        {
            "id": str(f.pk),
            "filnavn": f.filename,
            "rolle": f.role,
            "mimetype": f.content_type,
            "storrelse": f.size,
        }
        for f in Delivery.objects.get(nav_ekstern_ref_id=f"{sent.id}0002").files.order_by("position")
    ]
    assert page[2]["filer"] == expected and len(expected) == len(one[0]["filer"]) > 1
    with django_assert_num_queries(1):
        single = bergen.get(f"/leveranser/{page[2]['id']}").json()
    assert single == page[2]


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_racing_store_one_version(client, connected, exchange_api):
    from django.core.management import call_command

    call_command("load_municipalities", verbosity=0)
    call_command("load_demo_service_flags", verbosity=0)
    application = apply(client, citizen("familie-bergen"), upload=False)
    case = Case.objects.get(application=application)
    document = soker()
    results = []

    def post() -> None:
        results.append(exchange_api("4601").post(f"/saker/{case.id}/digisos-soker", document))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [200, 200]
    assert sorted(r.json()["endret"] for r in results) == [False, True]
    assert AuditEntry.objects.filter(action="exchange.case_events", object_id=str(case.id)).count() == 1


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_letter_reference_in_an_unknown_event_type_is_checked_too(sent, exchange_api):
    case = Case.objects.get(application=sent)
    document = soker(
        {
            "type": "nyType",
            "hendelsestidspunkt": "2026-11-23T11:00:00.000Z",
            "brev": builders.dokumentlager("ikke-en-uuid"),
        }
    )
    response = exchange_api("4601").post(f"/saker/{case.id}/digisos-soker", document)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "hendelser/1/brev/id"


def _ettersendelse_available(delivery: Delivery, sent, available_at: datetime) -> Delivery:
    """A second delivery on the sent application's case (an ettersendelse without files), available since then."""
    return Delivery.objects.create(
        case=delivery.case,
        kind="ettersendelse",
        municipality_id="4601",
        channel="api",
        nav_ekstern_ref_id=f"{sent.id}0001",
        status="available",
        available_at=available_at,
        folder=delivery.folder,
        vedlegg_json={"vedlegg": []},
    )


def test_the_listing_writes_what_the_leveranse_schema_writes(sent, exchange_api):
    """The list is written by the database (selectors.new_deliveries_json), not through its schema: its JSON is
    still the schema's own, times in UTC with Z, with and without microseconds, and ids as text."""
    from digisos.exchange.api import LeveranseSide

    delivery = Delivery.objects.get(case__application=sent)
    Delivery.objects.filter(pk=delivery.pk).update(available_at=datetime(2026, 11, 23, 13, 37, 0, tzinfo=UTC))
    _ettersendelse_available(delivery, sent, datetime(2026, 11, 23, 13, 37, 0, 120034, tzinfo=UTC))

    body = exchange_api("4601").get("/leveranser").json()

    assert body == LeveranseSide.model_validate(body).model_dump(mode="json")
    assert [d["tilgjengelig"] for d in body["leveranser"]] == [
        "2026-11-23T13:37:00Z",
        "2026-11-23T13:37:00.120034Z",
    ]
    assert body["leveranser"][0]["id"] == str(delivery.public_id)
    assert body["leveranser"][0]["fiksDigisosId"] == str(delivery.case_id)


def test_the_database_writes_each_listed_delivery_as_python_writes_it(sent):
    """On PostgreSQL the database writes the list's JSON (selectors._LEVERANSER_SQL); on the quick start's SQLite
    selectors.leveranse and pydantic-core do. The same bytes for times with and without microseconds, no time,
    text that needs escaping, files stored out of order and a delivery without files."""
    from pydantic_core import to_json

    from digisos.exchange import selectors

    delivery = Delivery.objects.get(case__application=sent)
    Delivery.objects.filter(pk=delivery.pk).update(
        available_at=datetime(2026, 11, 23, 13, 37, 0, tzinfo=UTC),
        collected_at=datetime(2026, 11, 23, 13, 37, 0, 120000, tzinfo=UTC),
    )
    files = list(delivery.files.order_by("position"))
    assert len(files) > 1
    files[0].filename = 'a"b\\c\x01\x1f\x7f\u2028 æøå \n\t\b\f\r /😀'
    files[0].save()
    for position, file in enumerate(reversed(files)):  # stored in reverse of their positions
        file.position = 100 + position
        file.save()
    _ettersendelse_available(delivery, sent, datetime(2026, 11, 23, 13, 37, 0, 1, tzinfo=UTC))

    by_database = selectors.new_deliveries_json("4601", after=0, limit=10)
    by_python = [
        (row["id"], to_json(selectors.leveranse(row)).decode())
        for row in selectors.new_deliveries("4601", after=0, limit=10)
    ]

    assert by_database == by_python and len(by_database) == 2
    first, second = (json.loads(document) for _, document in by_database)
    assert [f["filnavn"] for f in first["filer"]][-1] == files[0].filename
    assert (first["tilgjengelig"], first["mottatt"]) == (
        "2026-11-23T13:37:00Z",
        "2026-11-23T13:37:00.120000Z",
    )
    assert (second["tilgjengelig"], second["mottatt"], second["filer"]) == (
        "2026-11-23T13:37:00.000001Z",
        None,
        [],
    )
