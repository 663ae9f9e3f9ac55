"""What a case system (or the manual inbox) reports: the case's digisos-soker.json, replaced whole, and the
case read model (CaseState) folded from it in the same transaction, rebuilt on demand.

The work that follows a stored report (innsyn's notification and deadlines) is queued in the report's
transaction.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import structlog
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from digisos.application.models import Application
from digisos.core import queue
from digisos.core.prepared import PreparedValues, Write, record_update_write, update_rows, write_if_unchanged
from digisos.core.services import audit_write, record_audit
from digisos.documents.models import Document
from digisos.municipalities.models import Municipality, status_shown
from digisos.soker.tidspunkt import newest_event_time

from .. import case_state, metrics
from ..errors import CaseNotFound, InvalidReport, OlderReport, UpdatesNotEnabled, UpdatesPaused
from ..models import Case, CaseState
from ..signals import case_events_stored
from ..validation import (
    file_references,
    log_unknown_event_types,
    missing_file_violations,
    soker_violations,
)
from . import case_items

log = structlog.get_logger(__name__)


# What a report reads of the case, its municipality's flags and its application (for the fold), as values:
# the locking SELECT carries a dozen columns rather than three tables' worth, and its SQL is compiled once per
# process (core.prepared), since building and compiling this queryset cost more than the round trip itself on
# the case systems' hot path. Add a field here when the fold needs it.
REPORT_FIELDS = (
    "id",
    "application_id",
    "office_id",
    "letters_id",
    "soker_sha256",
    "soker_latest_event_at",
    "soker_updated_at",
    "municipality__service__can_update_status",
    "municipality__service__updates_temporarily_disabled",
    "municipality__service__test_mode",
    *(f"application__{name}" for name in ("sent_at", "vedlegg_json", "enhetsnummer")),
)
# The case's columns a stored report writes, in one UPDATE.
REPORT_WRITES = ("soker", "soker_sha256", "soker_latest_event_at", "soker_updated_at", "updated_at")


def _case(case_id: uuid.UUID) -> QuerySet:
    return Case.objects.filter(pk=case_id).values(*REPORT_FIELDS)


def _locked_case(case_id: uuid.UUID) -> QuerySet:
    # Only the case's row is locked: the municipality and the application are read, not held.
    return _case(case_id).select_for_update(of=("self",))


_LOCKED = PreparedValues(_locked_case, uuid.UUID(int=7654321))
_LOCKED_IN = PreparedValues(
    lambda case_id, kommunenummer: _locked_case(case_id).filter(municipality_id=kommunenummer),
    uuid.UUID(int=7654321),
    "x999",
)
# The same without the lock, and whether the case has its read model row (a case from before the read model
# has none until rebuild_case_state: the locked path creates it).
_READ = PreparedValues(lambda case_id: _case(case_id).values(*REPORT_FIELDS, "state"), uuid.UUID(int=7654321))
_READ_IN = PreparedValues(
    lambda case_id, kommunenummer: (
        _case(case_id).filter(municipality_id=kommunenummer).values(*REPORT_FIELDS, "state")
    ),
    uuid.UUID(int=7654321),
    "x999",
)


@dataclass(frozen=True)
class ReportResult:
    case_id: uuid.UUID
    # When the stored document last changed (this report's time when `changed`).
    updated_at: datetime | None
    changed: bool


def document_digest(document: Any) -> str:
    """What identifies a stored digisos-soker.json (Case.soker_sha256): the same content, the same digest."""
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def report_case_events(
    *, actor_id: int, case_id: uuid.UUID, document: Any, kommunenummer: str | None = None
) -> ReportResult:
    """Replace the case's digisos-soker.json with `document` (KS Fiks semantics: the whole history each time).

    The same document again is a no-op; one older than the stored one (its newest event is earlier) is
    refused (OlderReport), so a delayed retry cannot roll the case back. Two posts racing are serialised by
    the case's row lock: the second sees the first's result. With `kommunenummer`, another municipality's case
    is CaseNotFound, as an unknown one is.

    On PostgreSQL the case is read without a lock, the report checked and folded, and everything it writes (the
    document, its read model, innsyn's task, the audit entry) sent as one statement that writes only if the
    stored document is still the one read (core.prepared.write_if_unchanged): two round trips, no transaction
    of its own, and the row locked only while that statement runs. If another report came in between, the
    report is checked again under the lock (the path SQLite always takes)."""
    violations = soker_violations(document)
    if violations:
        raise InvalidReport("digisos-soker.json er ikke gyldig.", violations)
    digest = document_digest(document)
    # The newest event's time, written once (not every event's, to compare the texts). A valid document has
    # one at least (soker_violations requires MOTTATT).
    latest = _instant(cast(datetime, newest_event_time(document)))
    report = _Report(actor_id, case_id, document, digest, latest)
    if connection.vendor == "postgresql":
        found = _READ.rows(case_id) if kommunenummer is None else _READ_IN.rows(case_id, kommunenummer)
        result = _store_unless_changed(report, _checked(report, found))
        if result is not None:
            return _stored(report, result)
    with transaction.atomic():
        # One round trip: the row lock, the municipality's flags and what the fold needs of the application.
        # The large JSON columns stay behind.
        found = _LOCKED.rows(case_id) if kommunenummer is None else _LOCKED_IN.rows(case_id, kommunenummer)
        case = _checked(report, found)
        if isinstance(case, ReportResult):
            return case
        result = _store_locked(report, case)
    return _stored(report, result)


@dataclass(frozen=True)
class _Report:
    actor_id: int
    case_id: uuid.UUID
    document: Any
    digest: str
    latest: str


def _checked(report: _Report, found: list[dict[str, Any]]) -> dict[str, Any] | ReportResult:
    """The case read, if the report may be stored on it; a ReportResult if it is already stored. Raises the
    refusals (unknown case, the municipality's flags, missing letters, an older report)."""
    if not found:
        raise CaseNotFound(f"Fant ingen sak {report.case_id} for kommunen.")
    case = found[0]
    _check_flags(
        can_update_status=case["municipality__service__can_update_status"],
        updates_temporarily_disabled=case["municipality__service__updates_temporarily_disabled"],
        test_mode=case["municipality__service__test_mode"],
    )
    if report.digest == case["soker_sha256"]:
        return ReportResult(case["id"], case["soker_updated_at"], changed=False)
    document = report.document
    # One walk of the events for their letters, both to look them up and to name the missing ones. An unknown
    # event type is not schema-checked, so its references may not even be UUIDs.
    references = file_references(document)
    referenced = {ref for _, ref in references if _is_uuid(ref)}
    on_case = set()
    if referenced:
        letters = Document.objects.filter(folder_id=case["letters_id"], pk__in=referenced)
        on_case = {str(pk) for pk in letters.values_list("pk", flat=True)}
    violations = missing_file_violations(document, on_case, references=references)
    if violations:
        raise InvalidReport("digisos-soker.json er ikke gyldig.", violations)
    if case["soker_latest_event_at"] and report.latest < case["soker_latest_event_at"]:
        raise OlderReport(
            "Dokumentet er eldre enn det som er lagret: siste hendelse er "
            f"{report.latest}, lagret dokument har {case['soker_latest_event_at']}. Send hele, oppdaterte "
            "historikken.",
        )
    return case


def _store_unless_changed(report: _Report, case: dict[str, Any] | ReportResult) -> ReportResult | None:
    """The report's writes in one statement, if the case's stored document is still the one `case` read;
    None if it is not (or the case has no read model row yet): then the locked path decides."""
    if isinstance(case, ReportResult):
        return case
    if case["state"] is None:
        return None
    now = timezone.now()
    document, digest = report.document, report.digest
    values = _state_values(case, document, digest)
    # The read model's columns as one JSON parameter (core.prepared.record_update_write), not one each.
    state = record_update_write(CaseState, case["id"], values)
    # The case's items (the person overview's rows, CaseItem) from the same fold, in the same statement.
    items = [Write(sql, params) for sql, params in case_items.write_clauses(case["id"], values, guarded=True)]
    queued = _queued(case["id"])
    # Innsyn's task (or tasks), queued in the statement where the backend writes rows of its own.
    writes = [queue.queued_writes(call, name=f"task{index}") for index, call in enumerate(queued)]
    audit, log_audit = audit_write(**_audit(report, case))
    if not write_if_unchanged(
        Case,
        case["id"],
        _case_columns(report, now),
        unchanged={"soker_sha256": case["soker_sha256"]},
        then=[*items, state, *(write for found in writes if found for write in found), audit],
    ):
        return None
    log_audit()
    for call, write in zip(queued, writes, strict=True):
        if write is None:  # another task backend (the tests' immediate one): queued once the report is stored
            queue.enqueue_once(call.task, *call.args)
    return ReportResult(case["id"], now, changed=True)


def _store_locked(report: _Report, case: dict[str, Any]) -> ReportResult:
    """The report's writes one after the other, in the caller's transaction holding the case's row lock."""
    now = timezone.now()
    document, digest = report.document, report.digest
    # The case's columns and its read model in one statement written once per process (core.prepared), not
    # save() and update(): the row is locked above, and compiling the two cost more CPU than running them.
    case_write = (Case, case["id"], _case_columns(report, now))
    _write_case_state(
        case["id"],
        soker=document,
        sha256=digest,
        office_id=case["office_id"],
        application={
            name: case[f"application__{name}"] for name in ("sent_at", "vedlegg_json", "enhetsnummer")
        },
        with_update=case_write,
    )
    # The receivers' work is queued in this same transaction, not on commit, so that it exists exactly when
    # the report does. A crash between commit and an on-commit hook would lose it.
    for call in _queued(case["id"]):
        queue.enqueue_once(call.task, *call.args)
    record_audit(**_audit(report, case))
    return ReportResult(case["id"], now, changed=True)


def _case_columns(report: _Report, now: datetime) -> dict[str, Any]:
    """The case's columns a stored report writes (REPORT_WRITES), on either path."""
    return dict(zip(REPORT_WRITES, (report.document, report.digest, report.latest, now, now), strict=True))


def _queued(case_id: uuid.UUID) -> list[queue.Queued]:
    """What the apps above the exchange queue with a stored report (signals.case_events_stored)."""
    return [
        queued for _, queued in case_events_stored.send(sender=Case, case_id=case_id) if queued is not None
    ]


def _audit(report: _Report, case: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor_id": report.actor_id,
        "action": "exchange.case_events",
        "object_type": "exchange.Case",
        "object_id": str(case["id"]),
        "before": {"sha256": case["soker_sha256"]},
        "after": {"sha256": report.digest, "events": len(report.document["hendelser"])},
    }


def _state_values(case: dict[str, Any], document: Any, digest: str) -> dict[str, Any]:
    """The read model's columns: a fresh fold of the report with what the case read of its application."""
    return case_state.state_values(
        document,
        sha256=digest,
        sent_at=case["application__sent_at"],
        office=case_state.office_of(case["office_id"], case["application__enhetsnummer"]),
        vedlegg=case["application__vedlegg_json"],
    )


def _stored(report: _Report, result: ReportResult) -> ReportResult:
    if result.changed:
        log_unknown_event_types(report.document, case_id=str(result.case_id))
        metrics.CASE_UPDATES.inc()
    return result


def store_case_state(case: Case, *, soker: Any = None) -> None:
    """Fold the case's stored document and write its read model row (in the caller's transaction).

    `soker` saves reading back the document the caller has just stored; without it the stored one is read."""
    if soker is None and case.soker_sha256:
        soker = Case.objects.values_list("soker", flat=True).get(pk=case.pk)
    application: dict[str, Any] = {}
    if case.application_id and Case.application.is_cached(case):
        sent = case.application
        application = {
            "sent_at": sent.sent_at,
            "vedlegg_json": sent.vedlegg_json,
            "enhetsnummer": sent.enhetsnummer,
        }
    elif case.application_id:
        found = Application.objects.filter(pk=case.application_id)
        application = found.values("sent_at", "vedlegg_json", "enhetsnummer").first() or {}
    _write_case_state(
        case.pk,
        soker=soker,
        sha256=case.soker_sha256,
        office_id=case.office_id,
        application=application,
        municipality_id=case.municipality_id,
        case_created_at=case.created_at,
    )


def _write_case_state(
    case_id: uuid.UUID,
    *,
    soker: Any,
    sha256: str,
    office_id: str | None,
    application: dict[str, Any],
    with_update: tuple[Any, Any, dict[str, Any]] | None = None,
    municipality_id: str | None = None,
    case_created_at: datetime | None = None,
) -> None:
    """The CaseState row of a fresh fold; `with_update` (model, pk, values), another row's UPDATE, goes in the
    same statement. `municipality_id` and `case_created_at`, the case's, are only needed for a new row (read when
    not given)."""
    values = case_state.state_values(
        soker,
        sha256=sha256,
        sent_at=application.get("sent_at"),
        office=case_state.office_of(office_id, application.get("enhetsnummer")),
        vedlegg=application.get("vedlegg_json"),
    )
    # One UPDATE: the callers hold the case's row lock (or have just created the case), so nothing else writes
    # this row meanwhile; update_or_create's savepoint and SELECT … FOR UPDATE cost three more round trips on
    # every report.
    state_write = (CaseState, case_id, values)
    # The case's items (the person overview's rows, CaseItem) from the same fold, in the same statement.
    items = case_items.write_clauses(case_id, values)
    if not update_rows(*([with_update] if with_update else []), state_write, before=items or ()):
        # A new row: its case's municipality and creation, which never change, so the UPDATE above never writes
        # them.
        if municipality_id is None or case_created_at is None:
            municipality_id, case_created_at = Case.objects.values_list("municipality_id", "created_at").get(
                pk=case_id
            )
        CaseState.objects.create(
            case_id=case_id, municipality_id=municipality_id, case_created_at=case_created_at, **values
        )
    if items is None:
        case_items.write_items(case_id, values)


@dataclass(frozen=True)
class RebuildResult:
    cases: int
    created: int
    changed: int


def case_state_values(case: Case) -> dict[str, Any]:
    """A fresh fold of the case's stored document as CaseState columns (`case` with its application), and the
    case's municipality and creation."""
    application = case.application if case.application_id else None
    values = case_state.state_values(
        case.soker,
        sha256=case.soker_sha256,
        sent_at=application.sent_at if application else None,
        office=case_state.office_of(case.office_id, application.enhetsnummer if application else None),
        vedlegg=application.vedlegg_json if application else None,
    )
    return {"municipality_id": case.municipality_id, "case_created_at": case.created_at, **values}


def rebuild_case_states(*, chunk_size: int = 200) -> RebuildResult:
    """Fold every case's stored document again and write the rows that differ (or are missing); idempotent.

    One short transaction per chunk, with the chunk's cases locked, so a report stored meanwhile is never
    overwritten by an older fold."""
    fields = [f.name for f in CaseState._meta.concrete_fields if f.name != "case"]
    cases = created = changed = 0
    last = None
    while True:
        with transaction.atomic():
            found = Case.objects.select_for_update(of=("self",)).select_related("application").order_by("pk")
            if last is not None:
                found = found.filter(pk__gt=last)
            chunk = list(found[:chunk_size])
            if not chunk:
                break
            stored = CaseState.objects.in_bulk([case.pk for case in chunk])
            new, different = [], []
            fresh: dict[Any, dict[str, Any]] = {}
            for case in chunk:
                values = fresh[case.pk] = case_state_values(case)
                row = CaseState(case_id=case.pk, **values)
                existing = stored.get(case.pk)
                if existing is None:
                    new.append(row)
                elif _state_columns(existing, fields) != _state_columns(_reloaded(row), fields):
                    different.append(row)
            CaseState.objects.bulk_create(new)
            CaseState.objects.bulk_update(different, fields)
            # The cases' items from the same fold: a case whose items alone differ counts as changed.
            rewritten = case_items.rebuild_items(chunk, fresh)
        cases += len(chunk)
        created += len(new)
        changed += len(({row.case_id for row in different} | rewritten) - {row.case_id for row in new})
        last = chunk[-1].pk
    return RebuildResult(cases=cases, created=created, changed=changed)


def _state_columns(state: CaseState, fields: list[str]) -> list[Any]:
    # By attname: a foreign key's stored value (the municipality's number), not its object read back.
    return [getattr(state, CaseState._meta.get_field(name).attname) for name in fields]


def _reloaded(state: CaseState) -> CaseState:
    """The row as it reads back from the database: the view's parts as JSON types (no tuples), the rest as is."""
    for name in ("page_view", "payments", "recent_history", "earlier_history"):
        setattr(state, name, json.loads(json.dumps(getattr(state, name))))
    state.decisions = json.loads(json.dumps(state.decisions))
    return state


def append_case_event(
    *, actor_id: int, case_id: uuid.UUID, event: dict[str, Any], avsender: dict[str, str]
) -> ReportResult:
    """The manual inbox's way in: one more event on the stored document, through report_case_events. The
    case is locked before its document is read, so two appends cannot both build on the same history."""
    with transaction.atomic():
        stored = list(
            Case.objects.select_for_update(of=("self",)).filter(pk=case_id).values_list("soker", flat=True)
        )
        if not stored:
            raise CaseNotFound(f"Fant ingen sak {case_id}.")
        current = stored[0] or {"version": "1.0.0", "avsender": avsender, "hendelser": []}
        document = {**current, "avsender": avsender, "hendelser": [*current["hendelser"], event]}
        return report_case_events(actor_id=actor_id, case_id=case_id, document=document)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _instant(moment: datetime) -> str:
    """A tidspunkt's instant as a sortable string with microseconds (the schema allows any number of
    decimals)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}Z"


def check_can_update(kommunenummer: str) -> None:
    municipality = Municipality.objects.select_related("service").filter(pk=kommunenummer).first()
    service = getattr(municipality, "service", None)
    _check_flags(
        can_update_status=getattr(service, "can_update_status", None),
        updates_temporarily_disabled=getattr(service, "updates_temporarily_disabled", None),
        test_mode=getattr(service, "test_mode", None),
    )


def _check_flags(
    *, can_update_status: bool | None, updates_temporarily_disabled: bool | None, test_mode: bool | None
) -> None:
    """Refuses a report unless the municipality shows status (the rule's home is ServiceConfiguration); the
    flags only pick which refusal: innsyn never turned on, or paused for now. None: no configuration."""
    if can_update_status is not None and status_shown(
        can_update_status=can_update_status, updates_temporarily_disabled=bool(updates_temporarily_disabled)
    ):
        return
    if test_mode:
        # Integration and test (onboarding): the case system under test reports on the test applications;
        # citizens still see no status from here (innsyn reads shows_status), and only test persons can send.
        return
    if not can_update_status:
        raise UpdatesNotEnabled("Kommunen har ikke slått på innsyn (kanOppdatereStatus er false).")
    raise UpdatesPaused(
        "Oppdateringer er midlertidig deaktivert for kommunen (harMidlertidigDeaktivertOppdateringer). "
        "Prøv igjen når de er slått på.",
    )
