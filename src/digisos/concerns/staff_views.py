"""The child-welfare inbox, for offices without a case system: the list, the report, its files, and "mark
received" (which acknowledges it: LEVERT). Only employees with the child-welfare role who serve the office
see its reports; a social-services caseworker or a NAV employee gets 403 here and never finds a report
anywhere else (the reports are in no other view, search, admin or API they reach)."""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from digisos.documents.encryption import decrypt_document
from digisos.inbox.queues import queues_for

from . import delivery as deliveries
from .models import ConcernDelivery
from .selectors import inbox_deliveries, inbox_delivery, is_child_welfare_staff

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
    other = [q for q in queues_for(user) if q.queue.url_name != "concerns:staff-inbox"]  # type: ignore[arg-type]
    context = {"deliveries": inbox_deliveries(user), "other_queues": other}  # type: ignore[arg-type]
    return render(request, "concerns/staff/inbox.html", context)


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
