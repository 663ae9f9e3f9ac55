"""The fold, rule by rule: one test per event type and status, NAV's tie-ordering and open-sak rules, the
hidden account for another recipient, the application's own missing documents, unknown events skipped."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from digisos.soker import builders
from digisos.soker.constants import (
    SENDT,
    EventType,
    KravStatus,
    SaksStatus,
    SoknadsStatus,
    UtbetalingStatus,
    Utfall,
)
from digisos.soker.fold import fold

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SENT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LETTER = builders.dokumentlager("11111111-1111-4111-8111-111111111111")
LETTER_2 = builders.dokumentlager("22222222-2222-4222-8222-222222222222")


def at(minute: int) -> str:
    return builders.tidspunkt(datetime(2026, 11, 21, 10, 0, tzinfo=UTC) + timedelta(minutes=minute))


doc = builders.document


def event(kind: str, minute: int, **fields):
    return builders.event(kind, at=at(minute), **fields)


RECEIVED = event(EventType.SOKNADS_STATUS, 0, status=SoknadsStatus.MOTTATT)


@pytest.mark.parametrize(
    "status",
    list(SoknadsStatus),
)
def test_soknads_status_sets_the_status_and_a_timeline_entry(status):
    view = fold(doc(event(EventType.SOKNADS_STATUS, 1, status=status)), now=NOW, sent_at=SENT)
    assert view.status == status
    assert [e.kind for e in view.timeline] == ["sent", f"status_{status.lower()}"]


def test_without_events_the_application_is_sent():
    view = fold(None, now=NOW, sent_at=SENT, office="1201")
    assert view.status == SENDT and view.office == "1201" and view.timeline[0].kind == "sent"


def test_equal_timestamps_put_received_before_under_processing_whatever_the_order():
    events = [
        event(EventType.SOKNADS_STATUS, 1, status=SoknadsStatus.UNDER_BEHANDLING),
        event(EventType.SOKNADS_STATUS, 1, status=SoknadsStatus.MOTTATT),
    ]
    assert fold(doc(*events), now=NOW).status == SoknadsStatus.UNDER_BEHANDLING
    assert fold(doc(*reversed(events)), now=NOW).status == SoknadsStatus.UNDER_BEHANDLING


def test_a_new_office_is_a_forwarding_the_same_office_is_not():
    view = fold(
        doc(
            RECEIVED,
            event(EventType.TILDELT_NAV_KONTOR, 1, navKontor="1201"),
            event(EventType.TILDELT_NAV_KONTOR, 2, navKontor="0315"),
        ),
        now=NOW,
        sent_at=SENT,
        office="1201",
    )
    assert view.office == "0315"
    assert [e.detail for e in view.timeline if e.kind == "forwarded"] == ["0315"]


@pytest.mark.parametrize(
    ("status", "shown", "timeline"),
    [
        (None, SaksStatus.UNDER_BEHANDLING, "sak_in_progress"),
        (SaksStatus.IKKE_INNSYN, SaksStatus.IKKE_INNSYN, "sak_status_hidden"),
        (SaksStatus.BEHANDLES_IKKE, SaksStatus.BEHANDLES_IKKE, "sak_status_hidden"),
    ],
)
def test_saks_status_upserts_a_sak(status, shown, timeline):
    fields = {"referanse": "s1", "tittel": "Livsopphold", **({"status": status} if status else {})}
    view = fold(doc(RECEIVED, event(EventType.SAKS_STATUS, 1, **fields)), now=NOW)
    assert [(s.reference, s.title, s.status) for s in view.saker] == [("s1", "Livsopphold", shown)]
    assert view.timeline[-1].kind == timeline


def test_a_feilregistrert_sak_is_hidden():
    view = fold(
        doc(
            RECEIVED,
            event(EventType.SAKS_STATUS, 1, referanse="s1", tittel="x"),
            event(EventType.SAKS_STATUS, 2, referanse="s1", status=SaksStatus.FEILREGISTRERT),
        ),
        now=NOW,
    )
    assert view.saker == ()


@pytest.mark.parametrize("outcome", list(Utfall))
def test_vedtak_fattet_adds_a_decision_and_its_letter(outcome):
    view = fold(
        doc(
            RECEIVED,
            event(EventType.SAKS_STATUS, 1, referanse="s1", tittel="Husleie"),
            event(
                EventType.VEDTAK_FATTET,
                2,
                saksreferanse="s1",
                utfall=outcome,
                vedtaksfil={"referanse": LETTER},
            ),
        ),
        now=NOW,
    )
    (sak,) = view.saker
    assert sak.decisions[0].outcome == outcome and sak.shown_status == SoknadsStatus.FERDIGBEHANDLET
    assert view.letters[0].document_id == LETTER["id"] and view.timeline[-1].kind == "decision"


def test_a_decision_without_a_known_sak_goes_to_a_default_sak():
    view = fold(
        doc(
            RECEIVED,
            event(EventType.VEDTAK_FATTET, 1, saksreferanse="ukjent", vedtaksfil={"referanse": LETTER}),
        ),
        now=NOW,
    )
    assert [s.reference for s in view.saker] == ["ukjent"]


def test_each_documentation_request_replaces_the_list():
    first = event(
        EventType.DOKUMENTASJON_ETTERSPURT,
        1,
        forvaltningsbrev={"referanse": LETTER},
        dokumenter=[
            {"dokumenttype": "Kontoutskrift", "innsendelsesfrist": at(60 * 24 * 7)},
            {"dokumenttype": "Strømregning", "innsendelsesfrist": at(60 * 24 * 7)},
        ],
    )
    second = event(
        EventType.DOKUMENTASJON_ETTERSPURT,
        2,
        dokumenter=[
            {
                "dokumenttype": "Husleiekontrakt",
                "innsendelsesfrist": at(60 * 24 * 3),
                "dokumentreferanse": "d9",
            }
        ],
    )
    view = fold(doc(RECEIVED, first), now=NOW, sent_at=SENT)
    assert [t.document_type for t in view.tasks] == ["Kontoutskrift", "Strømregning"]
    assert len({t.id for t in view.tasks}) == 2  # NAV's ids collide for the same deadline; ours do not
    view = fold(doc(RECEIVED, first, second), now=NOW, sent_at=SENT)
    assert [(t.document_type, t.reference, t.from_caseworker) for t in view.tasks] == [
        ("Husleiekontrakt", "d9", True)
    ]
    emptied = fold(
        doc(RECEIVED, first, event(EventType.DOKUMENTASJON_ETTERSPURT, 3, dokumenter=[])),
        now=NOW,
        sent_at=SENT,
    )
    assert emptied.tasks == () and emptied.timeline[-1].kind == "documents_no_longer_requested"


def test_missing_application_documents_are_tasks_for_30_days_until_a_caseworker_asks():
    vedlegg = {
        "vedlegg": [
            {"type": "husleiekontrakt", "tilleggsinfo": "husleiekontrakt", "status": "VedleggKreves"},
            {"type": "annet", "tilleggsinfo": "annet", "status": "VedleggKreves"},
            {"type": "lonnslipp", "tilleggsinfo": "arbeid", "status": "LastetOpp"},
        ]
    }
    view = fold(doc(RECEIVED), now=NOW, sent_at=SENT, vedlegg=vedlegg)
    assert [(t.document_type, t.from_caseworker, t.deadline) for t in view.tasks] == [
        ("husleiekontrakt", False, None)
    ]
    assert fold(doc(RECEIVED), now=SENT + timedelta(days=31), sent_at=SENT, vedlegg=vedlegg).tasks == ()
    asked = event(
        EventType.DOKUMENTASJON_ETTERSPURT,
        1,
        dokumenter=[{"dokumenttype": "Kontoutskrift", "innsendelsesfrist": at(99)}],
    )
    assert [
        t.document_type for t in fold(doc(RECEIVED, asked), now=NOW, sent_at=SENT, vedlegg=vedlegg).tasks
    ] == ["Kontoutskrift"]


def test_tasks_are_hidden_once_the_application_is_processed():
    asked = event(
        EventType.DOKUMENTASJON_ETTERSPURT,
        1,
        dokumenter=[{"dokumenttype": "Kontoutskrift", "innsendelsesfrist": at(99)}],
    )
    assert (
        fold(
            doc(RECEIVED, asked, event(EventType.SOKNADS_STATUS, 2, status=SoknadsStatus.FERDIGBEHANDLET)),
            now=NOW,
        ).tasks
        == ()
    )


def test_forelopig_svar_is_an_extended_processing_time_notice():
    view = fold(
        doc(RECEIVED, event(EventType.FORELOPIG_SVAR, 1, forvaltningsbrev={"referanse": LETTER})), now=NOW
    )
    assert (
        view.preliminary_answer.document_id == LETTER["id"] and view.timeline[-1].kind == "preliminary_answer"
    )


@pytest.mark.parametrize(
    "status",
    list(UtbetalingStatus),
)
def test_a_payment_is_upserted_by_reference(status):
    planned = event(
        EventType.UTBETALING,
        1,
        utbetalingsreferanse="u1",
        belop=5000,
        forfallsdato="2026-11-25",
        annenMottaker=False,
        kontonummer="12345678903",
    )
    later = event(
        EventType.UTBETALING,
        2,
        utbetalingsreferanse="u1",
        status=status,
        belop=4500,
        utbetalingsdato="2026-11-25",
        annenMottaker=False,
        kontonummer="12345678903",
    )
    view = fold(doc(RECEIVED, planned, later), now=NOW)
    (payment,) = view.payments
    assert (payment.status, payment.amount, payment.account) == (status, 4500, "12345678903")
    assert (payment.stopped_at is not None) == (status == UtbetalingStatus.STOPPET)


def test_a_payment_without_status_is_planned_and_the_account_is_hidden_when_someone_else_is_paid():
    view = fold(
        doc(
            RECEIVED,
            event(
                EventType.UTBETALING,
                1,
                utbetalingsreferanse="u1",
                annenMottaker=True,
                mottaker="Utleier AS",
                kontonummer="12345678903",
            ),
            event(EventType.UTBETALING, 1, utbetalingsreferanse="u2", kontonummer="12345678903"),
        ),
        now=NOW,
    )
    by_ref = {p.reference: p for p in view.payments}
    assert (
        by_ref["u1"].status == UtbetalingStatus.PLANLAGT_UTBETALING
        and by_ref["u1"].account is None
        and by_ref["u1"].recipient == "Utleier AS"
    )
    assert by_ref["u2"].account is None  # annenMottaker missing: NAV treats it as someone else; so do we
    assert by_ref["u1"].amount == 0


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (KravStatus.RELEVANT, True),
        (KravStatus.OPPFYLT, True),
        (KravStatus.IKKE_OPPFYLT, True),
        (UtbetalingStatus.ANNULLERT, False),
    ],
)
def test_vilkar_shown_while_relevant(status, shown):
    view = fold(
        doc(
            RECEIVED,
            event(
                EventType.VILKAR, 1, vilkarreferanse="v1", tittel="Meld deg som arbeidssøker", status=status
            ),
        ),
        now=NOW,
    )
    assert bool(view.conditions) is shown


@pytest.mark.parametrize(
    ("status", "shown"),
    [(KravStatus.RELEVANT, True), (KravStatus.LEVERT_TIDLIGERE, False), (KravStatus.ANNULLERT, False)],
)
def test_dokumentasjonkrav_shown_while_relevant_with_timeline_only_when_tied_to_a_payment(status, shown):
    view = fold(
        doc(
            RECEIVED,
            event(EventType.UTBETALING, 1, utbetalingsreferanse="u1"),
            event(
                EventType.DOKUMENTASJONKRAV,
                1,
                dokumentasjonkravreferanse="k1",
                tittel="Husleiekvittering",
                status=status,
                utbetalingsreferanse=["u1"],
                frist=at(600),
            ),
        ),
        now=NOW,
    )
    assert bool(view.documentation_requirements) is shown
    assert view.timeline[-1].kind == "documentation_requirement"
    untied = fold(
        doc(RECEIVED, event(EventType.DOKUMENTASJONKRAV, 1, dokumentasjonkravreferanse="k1", tittel="x")),
        now=NOW,
    )
    assert untied.timeline[-1].kind != "documentation_requirement"


def test_rammevedtak_shows_nothing_of_its_own():
    with_frame = fold(doc(RECEIVED, event(EventType.RAMMEVEDTAK, 1, rammevedtaksreferanse="r1")), now=NOW)
    assert replace(with_frame, updated_at=None) == replace(fold(doc(RECEIVED), now=NOW), updated_at=None)


def test_a_processed_application_with_an_open_sak_is_shown_as_in_progress():
    view = fold(
        doc(
            RECEIVED,
            event(EventType.SAKS_STATUS, 1, referanse="s1", tittel="Livsopphold"),
            event(EventType.SAKS_STATUS, 1, referanse="s2", tittel="Strøm"),
            event(EventType.VEDTAK_FATTET, 2, saksreferanse="s1", vedtaksfil={"referanse": LETTER}),
            event(EventType.SOKNADS_STATUS, 3, status=SoknadsStatus.FERDIGBEHANDLET),
        ),
        now=NOW,
    )
    assert view.status == SoknadsStatus.UNDER_BEHANDLING
    view = fold(
        doc(
            RECEIVED,
            event(EventType.SAKS_STATUS, 1, referanse="s1", tittel="Livsopphold"),
            event(EventType.VEDTAK_FATTET, 2, saksreferanse="s1", vedtaksfil={"referanse": LETTER}),
            event(EventType.SOKNADS_STATUS, 3, status=SoknadsStatus.FERDIGBEHANDLET),
        ),
        now=NOW,
    )
    assert view.status == SoknadsStatus.FERDIGBEHANDLET


def test_unknown_event_types_are_skipped_not_an_error():
    view = fold(
        doc(
            RECEIVED,
            event("klageStatus", 1, status=SoknadsStatus.MOTTATT),
            event(EventType.VEDTAK_FATTET, 2, vedtaksfil={"referanse": LETTER_2}),
        ),
        now=NOW,
    )
    assert (
        view.skipped == ("klageStatus",) and view.status == SoknadsStatus.MOTTATT and len(view.letters) == 1
    )
