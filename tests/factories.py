"""Factories (factory_boy) for what tests need when the form is not what they test: citizens, applications
(draft or sent), cases in any reported state, deliveries and letters.

They go through the same services as the product (an application is filled step by step through the step
forms and sent with `send_application`, which makes the case and its delivery; a letter is a real PDF
stored, scanned and encrypted through the documents pipeline; events are built with the digisos-soker
builders and stored through `report_case_events`, which validates them), only without HTTP.

Tests that store documents need the `document_settings` fixture (clamd, the document key, storage) and the
municipalities (`reference_data`).

    case = CaseFactory(decided=True)                         # sent, received, … a decision with its letter
    case = CaseFactory(persona="kari-leier-oslo", state="documents_requested", deadline=datetime(...))
    application = ApplicationFactory(sent=True, upload=False)
    EttersendelseFactory(case=case, task=task)              # documents sent from the case page for a task
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import factory
from django.http import QueryDict

from digisos.accounts.models import User
from digisos.application import services as applications
from digisos.application import steps
from digisos.application.models import Application
from digisos.documents.models import Document
from digisos.exchange.models import Case, Delivery
from digisos.exchange.services import delivery as deliveries
from digisos.exchange.services.clients import register_client
from digisos.exchange.services.letters import store_letter
from digisos.exchange.services.reporting import report_case_events
from digisos.innsyn.services import send_documents
from digisos.municipalities.selectors import offices_of
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus, UtbetalingStatus, Utfall
from digisos.soker.fold import Task
from digisos_simulator.simulator import letter_pdf
from tests.documents import corpus
from tests.fixtures.personas import persona_pid

# The standard answers of the nine-step form, as its fields are posted (tests/application walks them).
ANSWERS: dict[str, dict[str, Any]] = {
    "personalia": {"adresse_valg": "folkeregistrert", "telefon": "912 34 567"},
    "behov": {"hva": "Penger til mat og husleie", "hvorfor": "Jeg mistet jobben", "nodhjelp": ["mat"]},
    "arbeid-og-utdanning": {"er_student": "nei"},
    "familie": {"sivilstatus": "ugift", "barnebidrag": "mottar"},
    "bosituasjon": {"botype": "leier", "antall_personer": "1"},
    "inntekt-og-formue": {
        "skatt_samtykke": "ja",
        "bostotte": "ja",
        "bostotte_samtykke": "ja",
        "bank": ["brukskonto"],
    },
    "utgifter": {"boutgifter": ["husleie", "strom"]},
}
RENTAL_CONTRACT = "husleiekontrakt|husleiekontrakt"

# The states a case system reports, in the order a case goes; each includes those before it.
STATES = ("sent", "received", "in_progress", "documents_requested", "decided", "paid")
SAK = "sak-1"


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen of the demo population (synthetic fødselsnummer), the same user each time for a persona."""

    class Meta:
        model = User
        django_get_or_create = ("pid",)

    class Params:
        persona = "familie-bergen"

    username = factory.LazyAttribute(lambda o: f"citizen-{o.persona}")
    kind = User.Kind.CITIZEN
    pid = factory.LazyAttribute(lambda o: persona_pid(o.persona))


def fill_steps(application: Application, answers: dict[str, dict[str, Any]] | None = None) -> Application:
    """Each step's answers through its form, saved as the step view saves them (no HTTP)."""
    for slug, posted in (ANSWERS if answers is None else answers).items():
        step = steps.by_slug(slug, short=application.is_short)
        assert step is not None and step.form is not None, slug
        data = QueryDict(mutable=True)
        for name, value in posted.items():
            data.setlist(name, value if isinstance(value, list) else [value])
        kwargs: dict[str, Any] = {
            "answers": application.answers.get(step.key, {}),
            "registers": application.registers,
        }
        if step.key == "personalia":
            kwargs["offices"] = [(o.enhetsnummer, o.name) for o in offices_of(application.municipality_id)]
        form = step.form(data, **kwargs)
        assert form.is_valid(), (slug, form.errors)
        application = applications.save_step(
            application=application, step=step.key, answers=form.to_answers()
        )
    return application


class ApplicationFactory(factory.Factory):
    """A draft with the standard answers (and the rental contract uploaded), or with `sent=True` a sent
    application: sending makes its case and delivery, as it does for a citizen."""

    class Meta:
        model = Application

    owner = factory.SubFactory(UserFactory)
    answers = factory.LazyFunction(lambda: ANSWERS)
    upload = True
    sent = False

    @classmethod
    def _create(
        cls, model_class: type, *, owner: User, answers: dict, upload: bool, sent: bool
    ) -> Application:
        application = fill_steps(applications.start_application(user=owner), answers)
        if upload:
            applications.upload_to_requirement(
                actor=owner,
                application=application,
                requirement=RENTAL_CONTRACT,
                files=[("kontrakt.pdf", corpus.pdf())],
            )
        if sent:
            applications.send_application(actor=owner, application_id=application.id)
        application.refresh_from_db()
        return application


def case_system(kommunenummer: str) -> User:
    """The municipality's case system as a user (a client without a key: it never gets a token)."""
    client = register_client(
        kommunenummer=kommunenummer,
        name=f"Fabrikkfagsystem {kommunenummer}",
        public_key_pem="",
        client_id=f"factory-fagsystem-{kommunenummer}",
    )
    return client.user


class LetterFactory(factory.Factory):
    """A letter on the case: a real one-page PDF stored through the documents pipeline (scanned, encrypted),
    as the case system uploads it."""

    class Meta:
        model = Document

    case = factory.SubFactory("tests.factories.CaseFactory")
    name = "brev.pdf"
    title = "Brev fra Nav"

    @classmethod
    def _create(cls, model_class: type, *, case: Case, name: str, title: str) -> Document:
        return store_letter(
            actor_id=case_system(case.municipality_id).pk,
            case_id=case.id,
            name=name,
            data=letter_pdf(title, [name]),
        )


def reported_events(
    state: str, *, start: datetime, letters: dict[str, str], deadline: datetime, office: str = ""
) -> list[dict[str, Any]]:
    """The events of a case in `state`, a minute apart from `start`. `letters`: dokumentlager ids by name
    ("etterspurt", "vedtak")."""
    reached = STATES.index(state)
    at = (start + timedelta(minutes=minute) for minute in range(100))
    events = []
    if reached >= STATES.index("received"):
        events.append(builders.soknads_status(SoknadsStatus.MOTTATT, at=next(at)))
        if office:
            events.append(builders.tildelt_nav_kontor(office, at=next(at)))
    if reached >= STATES.index("in_progress"):
        events.append(builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=next(at)))
    if reached >= STATES.index("documents_requested"):
        dokument = builders.dokument(
            "Kontoutskrift",
            tilleggsinformasjon="Brukskonto, siste tre måneder",
            innsendelsesfrist=deadline,
            dokumentreferanse="dok-1",
        )
        events.append(
            builders.dokumentasjon_etterspurt([dokument], forvaltningsbrev=letters["etterspurt"], at=next(at))
        )
    if reached >= STATES.index("decided"):
        events += decision_events(letters["vedtak"], start=next(at))
        next(at)
    if reached >= STATES.index("paid"):
        payment = {
            "saksreferanse": SAK,
            "belop": 5250,
            "beskrivelse": "Livsopphold",
            "forfallsdato": deadline.date(),
            "annenMottaker": False,
            "kontonummer": "12345678903",
        }
        events.append(
            builders.utbetaling("u1", status=UtbetalingStatus.PLANLAGT_UTBETALING, at=next(at), **payment)
        )
        events.append(
            builders.utbetaling(
                "u1",
                status=UtbetalingStatus.UTBETALT,
                utbetalingsdato=deadline.date(),
                at=next(at),
                **payment,
            )
        )
        events.append(builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET, at=next(at)))
    return events


def decision_events(
    letter_id: str,
    *,
    start: datetime,
    saksreferanse: str = SAK,
    tittel: str = "Livsopphold",
    utfall: str = Utfall.INNVILGET,
) -> list[dict[str, Any]]:
    """A sak and the decision in it with its letter, a minute apart from `start`."""
    return [
        builders.saks_status(saksreferanse, tittel=tittel, status=None, at=start),
        builders.vedtak_fattet(
            saksreferanse=saksreferanse, utfall=utfall, vedtaksfil=letter_id, at=start + timedelta(minutes=1)
        ),
    ]


def report(case: Case, events: list[dict[str, Any]]) -> Case:
    """Stores the events as the case's whole digisos-soker.json, as its case system would post it."""
    result = report_case_events(
        actor_id=case_system(case.municipality_id).pk, case_id=case.id, document=builders.document(*events)
    )
    return Case.objects.get(pk=result.case_id)


class CaseFactory(factory.Factory):
    """The case of a sent application, in the reported `state` (one of STATES), or by trait:
    `CaseFactory(received=True)`, `in_progress`, `documents_requested` (a letter and a deadline),
    `decided` (a decision with its letter) and `paid`. Its delivery is made by sending and left waiting
    (see DeliveryFactory for a delivered one)."""

    class Meta:
        model = Case

    class Params:
        persona = "familie-bergen"
        received = factory.Trait(state="received")
        in_progress = factory.Trait(state="in_progress")
        documents_requested = factory.Trait(state="documents_requested")
        decided = factory.Trait(state="decided")
        paid = factory.Trait(state="paid")

    application = factory.LazyAttribute(
        lambda o: ApplicationFactory(owner=UserFactory(persona=o.persona), sent=True, upload=False)
    )
    state = "sent"
    start = factory.LazyFunction(lambda: datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
    deadline = factory.LazyFunction(lambda: datetime.now(UTC).replace(microsecond=0) + timedelta(days=7))
    office = ""

    @classmethod
    def _create(
        cls,
        model_class: type,
        *,
        application: Application,
        state: str,
        start: datetime,
        deadline: datetime,
        office: str,
    ) -> Case:
        case = Case.objects.get(application=application)
        if state == "sent":
            return case
        letters = {}
        if STATES.index(state) >= STATES.index("documents_requested"):
            letters["etterspurt"] = str(
                LetterFactory(case=case, name="etterspurt.pdf", title="Etterspurt").id
            )
        if STATES.index(state) >= STATES.index("decided"):
            letters["vedtak"] = str(LetterFactory(case=case, name="vedtak.pdf", title="Vedtak").id)
        return report(
            case, reported_events(state, start=start, letters=letters, deadline=deadline, office=office)
        )


class DeliveryFactory(factory.Factory):
    """The delivery of a sent application, delivered (encrypted and collectable) unless `deliver=False`."""

    class Meta:
        model = Delivery

    application = factory.SubFactory(ApplicationFactory, sent=True)
    deliver = True

    @classmethod
    def _create(cls, model_class: type, *, application: Application, deliver: bool) -> Delivery:
        delivery = Delivery.objects.get(case__application=application, kind=Delivery.Kind.SOKNAD)
        if deliver:
            deliveries.deliver(delivery_id=delivery.pk)
            delivery.refresh_from_db()
        return delivery


class EttersendelseFactory(factory.Factory):
    """Documents the person sent from the case's page (an ettersendelse: one PDF), answering `task` (one of the
    case's tasks as its page shows them) or, without one, sent on their own initiative; through the page's own
    service (innsyn.services.send_documents), without HTTP."""

    class Meta:
        model = Delivery

    case = factory.SubFactory(CaseFactory, documents_requested=True)
    task = None

    @classmethod
    def _create(cls, model_class: type, *, case: Case, task: Task | None) -> Delivery:
        sent = send_documents(actor=case.owner, case=case, task=task, files=[("dokument.pdf", corpus.pdf(1))])
        assert sent.delivery is not None, sent.refused
        return sent.delivery


class _ConcernDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "concerns.ConcernDelivery"

    office = factory.SelfAttribute("report.office")
    channel = factory.SelfAttribute("office.channel")
    status = "available"
    attempts = 1
    available_at = factory.SelfAttribute("report.sent_at")


class ListedConcernReportFactory(factory.django.DjangoModelFactory):
    """A concern report sent to `office` and delivered, its rows only (no files): what the child-welfare
    inbox and the case systems' list show. Sending a real one (concerns.services.submit_report) builds its
    PDF and container; tests of a list of many need only the rows. `received=True`: marked received.

        ListedConcernReportFactory.create_batch(55, office=gamle_oslo)
    """

    class Meta:
        model = "concerns.ConcernReport"
        skip_postgeneration_save = True  # the delivery is its own row; the report needs no second save

    class Params:
        received = False

    office = None  # required: a ChildWelfareOffice
    kind = "privat"
    status = "sent"
    municipality_id = factory.SelfAttribute("office.municipality_id")
    content = factory.LazyFunction(lambda: {"melding": {"melding": "Hun er alene hjemme om kveldene."}})
    sent_at = factory.Sequence(lambda n: datetime(2026, 11, 2, 8, tzinfo=UTC) + timedelta(minutes=n))
    delivery = factory.RelatedFactory(
        _ConcernDeliveryFactory,
        factory_related_name="report",
        status=factory.LazyAttribute(lambda o: "collected" if o.factory_parent.received else "available"),
    )
