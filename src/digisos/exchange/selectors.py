"""Reads of the standardised interface and of the manual inbox. A client or an employee sees only its own
municipality's cases."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digisos.accounts.models import User
from digisos.documents import permissions
from digisos.documents.models import Document
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE

from .models import INBOX_STATUSES, Case, CaseState, DeliveredFile, Delivery, Receiver, inbox_rank
from .soker.constants import SENDT, EventType
from .soker.labels import status_label
from .soker.tidspunkt import parse_tidspunkt
from .soker.validation import dokumentlager_references

OSLO = ZoneInfo("Europe/Oslo")
SHOWN_STATUSES = INBOX_STATUSES  # new and received; the inbox's index covers exactly these

WORKING_DAYS_TO_COLLECT = 2
# What a listing shows; the JSON columns (vedlegg.json, the case's events) stay in the database.
LISTED_FIELDS = (
    "id",
    "public_id",
    "kind",
    "case_id",
    "nav_ekstern_ref_id",
    "kommunenummer",
    "status",
    "available_at",
    "collected_at",
)
FILE_FIELDS = ("id", "delivery_id", "role", "filename", "content_type", "size")


def new_deliveries(kommunenummer: str, *, after: int, limit: int) -> list[dict[str, Any]]:
    """Deliveries ready to collect, oldest first, after the cursor (the previous page's last id), each a row
    with its files. Plain rows, not model instances: this is the case systems' most frequent call."""
    rows = Delivery.objects.filter(
        kommunenummer=kommunenummer, status=Delivery.Status.AVAILABLE, pk__gt=after
    ).order_by("pk")
    return _with_files(rows.values(*LISTED_FIELDS)[:limit])


def delivery_listing(kommunenummer: str, public_id: uuid.UUID) -> dict[str, Any] | None:
    """One delivery as `new_deliveries` lists it, if it is the municipality's and was ever collectable."""
    rows = Delivery.objects.filter(
        kommunenummer=kommunenummer,
        public_id=public_id,
        status__in=[Delivery.Status.AVAILABLE, Delivery.Status.COLLECTED],
    )
    found = _with_files(rows.values(*LISTED_FIELDS)[:1])
    return found[0] if found else None


def delivery_of(kommunenummer: str, public_id: uuid.UUID) -> Delivery | None:
    return (
        Delivery.objects.filter(kommunenummer=kommunenummer, public_id=public_id).only(*LISTED_FIELDS).first()
    )


def _with_files(rows: Any) -> list[dict[str, Any]]:
    listed = list(rows)
    files: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in listed}
    if listed:
        for file in (
            DeliveredFile.objects.filter(delivery_id__in=files).order_by("position").values(*FILE_FIELDS)
        ):
            files[file["delivery_id"]].append(file)
    for row in listed:
        row["files"] = files[row["id"]]
    return listed


def delivered_file_of(kommunenummer: str, public_id: uuid.UUID, file_id: uuid.UUID) -> DeliveredFile | None:
    return (
        DeliveredFile.objects.filter(
            pk=file_id,
            delivery__public_id=public_id,
            delivery__kommunenummer=kommunenummer,
            delivery__status__in=[Delivery.Status.AVAILABLE, Delivery.Status.COLLECTED],
        )
        .select_related("delivery")
        .first()
    )


def case_of(kommunenummer: str, case_id: uuid.UUID) -> Case | None:
    # Without the event document: most calls do not need it, and it grows with the case.
    return Case.objects.filter(kommunenummer=kommunenummer, pk=case_id).defer("soker").first()


def letters_of(case: Case) -> QuerySet[Document]:
    """The municipality's letters on the case. A file the applicant put among them before that was refused
    (documents/permissions.py) is not a letter and is not shown as one."""
    return (
        Document.objects.filter(folder_id=case.letters_id)
        .exclude(uploaded_by_id=case.owner_id)
        .order_by("created_at", "id")
    )


def deliveries_of_case(case: Case) -> list[Delivery]:
    return list(case.deliveries.order_by("pk"))


# --- Working days and overdue deliveries ------------------------------------------------------------------


@cache
def _norwegian_holidays(year: int) -> frozenset[date]:
    import holidays  # its calendars take a second to import; only the deadline sums need them

    return frozenset(holidays.country_holidays("NO", years=year, include_sundays=False))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def collect_deadline(available_at: datetime) -> datetime:
    """The moment two working days have passed since the delivery became available (same time of day)."""
    local = timezone.localtime(available_at)
    moment, counted = local, 0
    while counted < WORKING_DAYS_TO_COLLECT:
        moment += timedelta(days=1)
        if is_working_day(moment.date()):
            counted += 1
    return moment


def overdue_deliveries(*, now: datetime | None = None) -> list[Delivery]:
    """Available but not collected within two working days: the case system may be down or misconfigured."""
    now = now or timezone.now()
    # Two working days are at least two calendar days: the database narrows, the calendar decides.
    candidates = Delivery.objects.filter(
        status=Delivery.Status.AVAILABLE, available_at__lt=now - timedelta(days=WORKING_DAYS_TO_COLLECT)
    ).order_by("available_at")
    return [d for d in candidates if collect_deadline(d.available_at) <= now]


# --- The manual inbox: who may use it, and what they see --------------------------------------------------


def is_inbox_user(user: User) -> bool:
    """A municipal caseworker (the same rule documents use to let them read their municipality's files)."""
    return (
        user.is_authenticated
        and user.kind == User.Kind.EMPLOYEE
        and bool(user.municipality)
        and user.groups.filter(name=MUNICIPAL_CASEWORKER_ROLE).exists()
    )


def inbox_deliveries(kommunenummer: str) -> QuerySet[Delivery]:
    """The municipality's inbox: new deliveries first, then received, newest first within each."""
    return (
        Delivery.objects.filter(
            kommunenummer=kommunenummer, channel=Receiver.Channel.INBOX, status__in=SHOWN_STATUSES
        )
        .select_related("case__application")
        .only(
            "id",
            "public_id",
            "kind",
            "status",
            "available_at",
            "collected_at",
            "case__id",
            "case__application__id",
            "case__application__reference",
        )
        # The order of the inbox's index (Delivery.Meta), so a page is read from it in order.
        .annotate(is_new=inbox_rank())
        .order_by("is_new", "-available_at", "-id")
    )


def case_for(user: User, case_id: uuid.UUID) -> Case | None:
    """The case if it belongs to the caseworker's municipality; None (shown as 404) otherwise."""
    return (
        Case.objects.filter(pk=case_id, kommunenummer=user.municipality)
        .select_related("application", "owner", "letters", "state")
        .defer("state__view")
        .first()
    )


@dataclass(frozen=True)
class EventRow:
    at: datetime | None
    title: str
    details: list[str] = field(default_factory=list)
    letters: list[Document] = field(default_factory=list)


# The case page shows the history this many events at a time, newest first: a case system may have posted
# tens of thousands, and the whole history made a page of megabytes that took seconds.
EVENTS_PER_PAGE = 50


@dataclass(frozen=True)
class EventPage:
    rows: list[EventRow]  # newest first
    number: int
    pages: int
    newest_position: int  # the first row's place in the history, counted from 1 (for <ol reversed start>)

    @property
    def newer(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def older(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


@dataclass(frozen=True)
class InboxCasePage:
    deliveries: list[Delivery]
    letters: list[Document]
    events: EventPage
    received: bool
    waiting_deliveries: list[Delivery]
    current_status: str  # in words


def inbox_case_page(case: Case, reader: User, *, events_page: str | None = None) -> InboxCasePage:
    """What the case page shows `reader`: deliveries with their documents, letters, one page of the events
    in plain words (`events_page`, from the query string: 1 is the newest). Documents are listed only from
    folders the documents' permissions let `reader` read."""
    documents = Document.objects.only(
        "id", "folder_id", "original_name", "page_count", "size", "created_at"
    ).order_by("created_at", "id")
    deliveries = list(
        case.deliveries.filter(status__in=SHOWN_STATUSES)
        .select_related("folder")
        .prefetch_related(Prefetch("folder__documents", queryset=documents, to_attr="shown_documents"))
        .order_by("pk")
    )
    for delivery in deliveries:
        if not permissions.allows(reader, delivery.folder, permissions.Action.READ):
            delivery.folder.shown_documents = []
    letters = (
        list(letters_of(case).only("id", "folder_id", "original_name", "page_count", "size", "created_at"))
        if case.letters is not None and permissions.allows(reader, case.letters, permissions.Action.READ)
        else []
    )
    hendelser = (case.soker or {}).get("hendelser", [])
    status = folded_status(case)
    return InboxCasePage(
        deliveries=deliveries,
        letters=letters,
        events=event_page(hendelser, letters, events_page),
        received=status != SENDT,
        waiting_deliveries=[d for d in deliveries if d.status == Delivery.Status.AVAILABLE],
        current_status=current_soknads_status(status),
    )


# --- Reading the case read model ----------------------------------------------------------------------
# The stored CaseState, folded by the same fold as the applicant's pages in the transaction that stored the
# document, so that the inbox and innsyn never disagree about a case.


def _state(case: Case) -> CaseState | None:
    return CaseState.objects.filter(case_id=case.pk).only("case_id", "status", "view").first()


def has_received(case: Case) -> bool:
    # Read afresh, never from a state loaded with the case: the inbox's actions ask after changing the case.
    status = CaseState.objects.filter(case_id=case.pk).values_list("status", flat=True).first()
    return (status or SENDT) != SENDT


def has_sak(case: Case, referanse: str) -> bool:
    """A sak the applicant sees (a FEILREGISTRERT one is not: a decision in it needs it shown again)."""
    state = _state(case)
    return bool(state) and any(sak["reference"] == referanse for sak in state.view.get("saker", []))


def folded_status(case: Case) -> str:
    """The application's status as the stored read model has it (loaded with the case when it was)."""
    if Case.state.is_cached(case):
        state = getattr(case, "state", None)
        return state.status if state else SENDT
    status = CaseState.objects.filter(case_id=case.pk).values_list("status", flat=True).first()
    return status or SENDT


def current_soknads_status(status: str) -> str:
    """The application's status in words, or that the case system has not said it has arrived."""
    if status == SENDT:
        return _("Ikke markert som mottatt")
    return status_label(status)


# --- The events in plain words ----------------------------------------------------------------------------


def _local_date(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    try:
        if "T" in value:
            return timezone.localtime(parse_tidspunkt(value), OSLO).strftime("%d.%m.%Y")
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return value


def describe_event(event: dict[str, Any], letters: dict[str, Document]) -> EventRow:
    kind = event.get("type", "")
    details: list[str] = []
    if kind == EventType.SOKNADS_STATUS:
        title = _("Status på søknaden: %(status)s") % {"status": status_label(event.get("status", ""))}
    elif kind == EventType.TILDELT_NAV_KONTOR:
        title = _("Sendt til NAV-kontor %(kontor)s") % {"kontor": event.get("navKontor", "")}
    elif kind == EventType.DOKUMENTASJON_ETTERSPURT:
        title = _("Ba om dokumentasjon")
        for dokument in event.get("dokumenter", []):
            line = _("%(type)s, frist %(frist)s") % {
                "type": dokument.get("dokumenttype", ""),
                "frist": _local_date(dokument.get("innsendelsesfrist")),
            }
            if dokument.get("tilleggsinformasjon"):
                line += f" ({dokument['tilleggsinformasjon']})"
            details.append(line)
    elif kind == EventType.VEDTAK_FATTET:
        title = _("Vedtak: %(utfall)s") % {
            "utfall": status_label(event.get("utfall", "")) or _("uten utfall")
        }
        details.append(_("Sak: %(sak)s") % {"sak": event.get("saksreferanse", "")})
    elif kind == EventType.SAKS_STATUS:
        title = _("Sak «%(tittel)s»: %(status)s") % {
            "tittel": event.get("tittel") or event.get("referanse", ""),
            "status": status_label(event.get("status", "")) or _("uten status"),
        }
        details.append(_("Referanse: %(referanse)s") % {"referanse": event.get("referanse", "")})
    elif kind == EventType.UTBETALING:
        title = _("Utbetaling: %(status)s") % {
            "status": status_label(event.get("status", "")) or _("uten status")
        }
        if "belop" in event:
            details.append(_("%(belop)s kroner") % {"belop": event["belop"]})
        if event.get("beskrivelse"):
            details.append(event["beskrivelse"])
        if event.get("forfallsdato"):
            details.append(_("Forfall %(dato)s") % {"dato": _local_date(event["forfallsdato"])})
        if event.get("utbetalingsdato"):
            details.append(_("Utbetalt %(dato)s") % {"dato": _local_date(event["utbetalingsdato"])})
    elif kind == EventType.FORELOPIG_SVAR:
        title = _("Foreløpig svar")
    else:
        title = _("Hendelse: %(type)s") % {"type": kind or _("ukjent")}
    stamp = event.get("hendelsestidspunkt")
    try:
        at = parse_tidspunkt(stamp) if isinstance(stamp, str) else None
    except ValueError:
        at = None
    ids = dict.fromkeys(file_id for _path, file_id in dokumentlager_references(event))
    found = [letters[i] for i in ids if i in letters]
    return EventRow(at=at, title=title, details=details, letters=found)


def event_page(hendelser: list[Any], letters: list[Document], requested: str | None) -> EventPage:
    """One page of the history, newest first; only its events are described. A page number that is not a
    number or out of range gives the nearest page."""
    events = [e for e in hendelser if isinstance(e, dict)]
    pages = max(1, -(-len(events) // EVENTS_PER_PAGE))
    try:
        number = min(max(int(requested or 1), 1), pages)
    except ValueError:
        number = 1
    end = len(events) - (number - 1) * EVENTS_PER_PAGE
    shown = events[max(0, end - EVENTS_PER_PAGE) : end]
    return EventPage(
        rows=describe_events(shown[::-1], letters), number=number, pages=pages, newest_position=end
    )


def describe_events(events: list[Any], letters: list[Document]) -> list[EventRow]:
    by_id = {str(letter.id): letter for letter in letters}
    return [describe_event(e, by_id) for e in events if isinstance(e, dict)]
