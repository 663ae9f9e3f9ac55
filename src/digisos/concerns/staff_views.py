"""The child-welfare inbox, for offices without a case system: the list, the report, its files, and "mark
received" (which acknowledges it: LEVERT). Only employees with the child-welfare role who serve the office
see its reports; a social-services caseworker or a NAV employee gets 403 here and never finds a report
anywhere else (the reports are in no other view, search, admin or API they reach)."""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from digisos.core import formatting
from digisos.core.jinja2 import translator, uuid_url
from digisos.documents.encryption import decrypt_document
from digisos.inbox.queues import queues_for

from . import delivery as deliveries
from .models import ConcernDelivery, ConcernReport
from .selectors import InboxPosition, inbox_delivery, inbox_page, is_child_welfare_staff

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Logged out: to the employee login. Logged in without the child-welfare role: 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:employee-login"))
        if not is_child_welfare_staff(request.user):  # type: ignore[arg-type]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _own(request: HttpRequest, report_id: uuid.UUID) -> ConcernDelivery:
    found = inbox_delivery(request.user, report_id)  # type: ignore[arg-type]
    if found is None:
        raise Http404
    return found


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The other queues this employee may open (inbox/queues.py), e.g. the social-services inbox.
    other = queues_for(user, other_than="concerns:staff-inbox")  # type: ignore[arg-type]
    # "neste": the position of the last row of the page the employee came from; a broken link shows the first.
    after = InboxPosition.parse(request.GET.get("neste"))
    page = inbox_page(user, after)  # type: ignore[arg-type]
    context = {
        "rows": _rows(request, page.rows),
        "next": page.next.token() if page.next else "",
        "first_page": after is None,
        "other_queues": other,
    }
    return render(request, "concerns/staff/inbox.html", context)


class _Row(NamedTuple):
    """A row of the list as the fragment shows it, its texts made here, once per page what is the same for
    every row (the link's URL, the kinds' labels, the language's formats), as the application inbox does
    (inbox.views._inbox_content): 200 rows through Django's template engine, a tag and a filter or two each,
    cost ten times the trivial logged-in page (bench/run.py, the follow-up part), and a page of them is now
    fifty (selectors.INBOX_PAGE_SIZE)."""

    report_url: str
    came_iso: str  # when it came in, ISO 8601 in the local time zone
    came_text: str  # the same as the page language writes it
    office_name: str
    kind: str  # the reporter's kind's label
    state: str  # "received" (marked received), "letter" (not marked, and sent as a letter) or "new"


def _rows(request: HttpRequest, deliveries: list[dict[str, Any]]) -> SafeString:
    if not deliveries:
        return SafeString("")
    zone = timezone.get_current_timezone()
    shown = formatting.formatters()
    kinds = {value: str(label) for value, label in ConcernReport.Kind.choices}
    report_url = uuid_url("concerns:staff-report")
    rows = []
    for delivery in deliveries:
        came = delivery["available_at"].astimezone(zone)
        rows.append(
            _Row(
                report_url(delivery["report_id"]),
                came.isoformat(),
                shown.local_day_and_time(came),
                delivery["office_name"],
                kinds.get(delivery["kind"], delivery["kind"]),
                _state(delivery),
            )
        )
    template = engines["jinja2"].get_template("concerns/fragments/staff_inbox_rows.html")
    return SafeString(template.render({"_": translator(), "rows": rows}, request))


def _state(delivery: dict[str, Any]) -> str:
    if delivery["status"] == ConcernDelivery.Status.COLLECTED:
        return "received"
    # Not marked within two working days: the office gets it by post as well (fallbacks.send_overdue_by_letter).
    return "letter" if delivery["printed_at"] is not None else "new"


@staff_required
@require_GET
def report(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    return render(request, "concerns/staff/report.html", {"delivery": _own(request, report_id)})


@staff_required
@require_GET
def download(request: HttpRequest, report_id: uuid.UUID, role: str) -> HttpResponse:
    found = _own(request, report_id)
    file = next((f for f in found.files.all() if f.role == role), None)
    if file is None:
        raise Http404
    with storages["documents"].open(file.storage_name, "rb") as handle:
        body = decrypt_document(handle.read(), file.key_id)
    response = HttpResponse(body, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@staff_required
@require_POST
def mark_received(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    found = _own(request, report_id)
    try:
        deliveries.acknowledge(delivery_id=found.pk)
    except deliveries.DeliveryRefused:
        messages.error(request, _("Meldingen kan ikke markeres som mottatt."))
    else:
        messages.success(request, _("Meldingen er markert som mottatt."))
    return redirect("concerns:staff-report", report_id)
