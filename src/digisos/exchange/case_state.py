"""The stored case read model (CaseState), computed from a case's inputs: pure, no models, no clock.

A row is what folding the case's stored digisos-soker.json gives, kept in typed columns for the lists and the
reminders to query, plus the folded view as JSON for the case page, each part of it stored once: the view
without its long lists (page_view), the payments, and the history cut into its newest RECENT_HISTORY entries and
the ones before them (`page_columns`; `joined_view` puts the parts together again). It is written in the transaction
that stores a report (services.report_case_events), and by the migration and `rebuild_case_state` through the
same `state_values`, so the row always equals a fresh fold of the stored document.

The fold depends on the clock in one place only: the application's own missing documents are tasks for its
first 30 days. The stored view is folded as on the day the application was sent (those tasks included) and
`current_view` drops them once the 30 days are over, at read time. Whether the municipality shows the case
(its innsyn flags) is also decided at read time (`hidden_view`), since the flags change without a report.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from digisos.soker.constants import UtbetalingStatus
from digisos.soker.fold import APPLICATION_TASK_DAYS, CaseView, fold
from digisos.soker.serialise import view_from_json, view_to_json

# Any instant serves when the case has no sent_at: the clock then changes nothing in the fold.
_NO_CLOCK = datetime(1970, 1, 1, tzinfo=UTC)
# The newest history entries the case page shows before its "see all" link (CaseState.recent_history).
RECENT_HISTORY = 20
# The view's long lists, kept in columns of their own for the case page (see `page_columns`).
_LONG_PARTS = ("payments", "timeline")


def office_of(enhetsnummer: str | None, application_enhetsnummer: str | None) -> str:
    """The office the case started at: its own, or the one the application was routed to."""
    return enhetsnummer or application_enhetsnummer or ""


def stored_fold(
    soker: dict[str, Any] | None, *, sent_at: datetime | None, office: str, vedlegg: dict[str, Any] | None
) -> CaseView:
    return fold(soker, now=sent_at or _NO_CLOCK, sent_at=sent_at, office=office, vedlegg=vedlegg)


def state_values(
    soker: dict[str, Any] | None,
    *,
    sha256: str,
    sent_at: datetime | None,
    office: str,
    vedlegg: dict[str, Any] | None,
) -> dict[str, Any]:
    """The CaseState columns for a case (without its key)."""
    view = stored_fold(soker, sent_at=sent_at, office=office, vedlegg=vedlegg)
    task_deadlines = [t.deadline for t in view.tasks if t.from_caseworker and t.deadline]
    requirement_deadlines = [r.deadline for r in view.documentation_requirements if r.deadline]
    paid = [p for p in view.payments if p.status == UtbetalingStatus.UTBETALT and p.paid_date]
    last_paid = max(paid, key=lambda p: (p.paid_date, p.reference)) if paid else None
    stored_view = view_to_json(view)
    planned = sorted(
        {p.due_date for p in view.payments if p.status == UtbetalingStatus.PLANLAGT_UTBETALING and p.due_date}
    )
    return {
        "status": str(view.status),
        "office": view.office,
        "last_event_at": view.updated_at,
        "open_tasks": sum(1 for t in view.tasks if t.from_caseworker),
        "application_tasks": sum(1 for t in view.tasks if not t.from_caseworker),
        "next_deadline": view.next_deadline,
        "first_task_deadline": min(task_deadlines) if task_deadlines else None,
        "last_task_deadline": max(task_deadlines) if task_deadlines else None,
        "requirement_deadline": max(requirement_deadlines) if requirement_deadlines else None,
        "decisions": [
            {"sak": sak.reference, "title": sak.title, "outcome": d.outcome, "at": d.at.isoformat()}
            for sak in view.saker
            for d in sak.decisions
        ],
        "last_payment_date": last_paid.paid_date if last_paid else None,
        "last_payment_amount": last_paid.amount if last_paid else None,
        "next_planned_payment_date": planned[0] if planned else None,
        "preliminary_answer_at": preliminary_answer_at(stored_view),
        "planned_payment_dates": [day.isoformat() for day in planned],
        **page_columns(stored_view),
        "statistics_view": statistics_view(stored_view),
        "followup_view": followup_view(stored_view),
        "source_sha256": sha256,
    }


def statistics_view(stored_view: dict[str, Any]) -> dict[str, Any]:
    """The few parts of a stored view the statistics read (insights.facts.case_facts): the first MOTTATT, the
    requests for documents, the preliminary answer and the caseworker's tasks. A small column of its own, so that
    a rebuild over a million cases does not detoast every case's whole view (some 100 kB after a year)."""
    timeline = stored_view.get("timeline") or []
    received = next((e for e in timeline if e.get("kind") == "status_mottatt"), None)
    return {
        "timeline": ([{"kind": "status_mottatt", "at": received.get("at")}] if received else [])
        + [
            {"kind": e["kind"], "at": e.get("at")} for e in timeline if e.get("kind") == "documents_requested"
        ],
        "preliminary_answer": stored_view.get("preliminary_answer"),
        "tasks": [t for t in stored_view.get("tasks") or [] if t.get("from_caseworker")],
    }


def followup_view(stored_view: dict[str, Any]) -> dict[str, Any]:
    """The few parts of a stored view the caseworker's person overview reads (followup.selectors): the
    caseworker's open requests, the conditions, the letters' titles and the assistance paid per month
    ({"2026-03": 5200.0}, UTBETALT by its paid or else due date). A small column of its own, so that a person
    with 200 cases is not 200 detoasted page views and payment lists on every look."""
    paid: dict[str, float] = {}
    for payment in stored_view.get("payments") or []:
        if payment.get("status") != UtbetalingStatus.UTBETALT:
            continue
        day = _iso_day(payment.get("paid_date")) or _iso_day(payment.get("due_date"))
        if day is not None:
            paid[day[:7]] = paid.get(day[:7], 0.0) + float(payment.get("amount") or 0)
    return {
        "requests": [
            {"document_type": task.get("document_type"), "deadline": task.get("deadline")}
            for task in stored_view.get("tasks") or []
            if task.get("from_caseworker")
        ],
        "conditions": [
            {"title": condition.get("title"), "status": condition.get("status")}
            for condition in stored_view.get("conditions") or []
        ],
        "letters": [
            {"title": letter["title"]} for letter in stored_view.get("letters") or [] if letter.get("title")
        ],
        "paid": paid,
    }


def _iso_day(value: str | None) -> str | None:
    try:
        return date.fromisoformat(value[:10]).isoformat() if value else None
    except ValueError:
        return None


def preliminary_answer_at(stored_view: dict[str, Any]) -> datetime | None:
    """When the first foreløpig svar was given (forvaltningsloven § 11a), from the stored view's history: the
    view keeps only the latest letter, and the duty is met by the first."""
    times = [
        datetime.fromisoformat(entry["at"])
        for entry in stored_view.get("timeline") or []
        if entry.get("kind") == "preliminary_answer" and entry.get("at")
    ]
    return min(times) if times else None


def page_columns(stored_view: dict[str, Any]) -> dict[str, Any]:
    """A stored view as CaseState columns, each part once: the view without its long lists, all the payments,
    the newest RECENT_HISTORY history entries, the entries before them, and how many payments and entries there
    are. A page reads exactly what it shows from these (a year of reports is some 100 kB of view) instead of
    cutting the whole view on every request, and a report writes each part of its fold once (the whole view in
    a column of its own as well was most of the JSON every report sent and PostgreSQL parsed)."""
    payments = stored_view.get("payments") or []
    timeline = stored_view.get("timeline") or []
    return {
        "page_view": {key: value for key, value in stored_view.items() if key not in _LONG_PARTS},
        "payments": payments,
        "recent_history": timeline[-RECENT_HISTORY:],
        "earlier_history": timeline[:-RECENT_HISTORY],
        "payment_count": len(payments),
        "history_count": len(timeline),
    }


def joined_view(
    page_view: dict[str, Any], payments: list[Any], earlier_history: list[Any], recent_history: list[Any]
) -> dict[str, Any]:
    """The stored view whole again from its columns (`page_columns`' parts): what `current_view` loads."""
    return {**page_view, "payments": payments, "timeline": [*earlier_history, *recent_history]}


def view_without_lists(page_view: dict[str, Any]) -> dict[str, Any]:
    """A stored view from its page_view alone, its payments and history left empty: for the readers that need
    neither (innsyn's notifications read the letters and tasks), so that they do not read the long lists."""
    return {**page_view, "payments": [], "timeline": []}


def application_is_young(sent_at: datetime | None, now: datetime) -> bool:
    return bool(sent_at and now - sent_at < timedelta(days=APPLICATION_TASK_DAYS))


def current_view(stored: dict[str, Any], now: datetime) -> CaseView:
    """The stored view as folding at `now` would give it: the application's own tasks only while it is young."""
    view = view_from_json(stored)
    if application_is_young(view.sent_at, now):
        return view
    return _without_application_tasks(view)


def _without_application_tasks(view: CaseView) -> CaseView:
    return replace(view, tasks=tuple(t for t in view.tasks if t.from_caseworker))


def hidden_view(
    *, now: datetime, sent_at: datetime | None, office: str, vedlegg: dict[str, Any] | None
) -> CaseView:
    """What the applicant sees while the municipality does not show case updates: the application only."""
    return fold(None, now=now, sent_at=sent_at, office=office, vedlegg=vedlegg)


def planned_within(planned: list[str], start: date, end: date) -> bool:
    return any(start <= date.fromisoformat(day) <= end for day in planned)
