"""Thin views for innsyn: "Mine søknader", one case, and sending documents from a task."""

import uuid
from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digisos.core.jinja2 import uuid_url
from digisos.exchange import case_state
from digisos.soker.constants import UtbetalingStatus
from digisos.soker.fold import CaseView

from . import rendering, selectors, services

TIMELINE_SHOWN = case_state.RECENT_HISTORY  # the stored newest entries: no JSON cut per request


def _citizen(request: HttpRequest):
    user = request.user
    if not getattr(user, "pid", None):
        raise Http404
    return user


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    overview = selectors.my_applications(_citizen(request))
    return render(request, "innsyn/mine.html", {"content": rendering.mine_page(request, overview)})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return render(
        request, "innsyn/varsler.html", {"notifications": selectors.my_notifications(_citizen(request))}
    )


@login_required
def case(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _render_case(request, case_id)


def _render_case(
    request: HttpRequest, case_id: uuid.UUID, *, errors: list[str] | None = None, task_id: str = ""
) -> HttpResponse:
    # A year of payments and history is long: the page shows the recent part, with a link to the rest, and
    # reads no more than it shows.
    all_payments = request.GET.get("utbetalinger") == "alle"
    all_history = request.GET.get("historikk") == "alle"
    shown = selectors.Shown(
        payments_from=None if all_payments else _recent_payments_from(),
        history_last=None if all_history else TIMELINE_SHOWN,
    )
    page = selectors.case_page(_citizen(request), case_id, shown=shown)
    if page is None:
        raise Http404
    view = page.view
    timeline = selectors.history_with_sent_documents(view.timeline, page.sent_documents)
    history_count = page.history_count + len(page.sent_documents)
    context = {
        "page": page,
        "summary": page.summary,
        "view": view,
        "case": page.summary.case,
        "titles": selectors.requirement_titles(page.summary.case, view),
        "payments_by_month": _payments_by_month(view, everything=all_payments),
        "all_payments": all_payments,
        "has_payments": page.payment_count > 0,
        "timeline": timeline if all_history else timeline[:TIMELINE_SHOWN],
        "all_history": all_history or history_count <= TIMELINE_SHOWN,
        "history_count": history_count,
        # One URL for every upload form on the page; none when the municipality does not take documents now.
        # (the reverse() once per process: core.jinja2.uuid_url)
        "send_url": uuid_url("innsyn:send")(case_id) if page.summary.visibility.can_send_documents else "",
        "errors": errors or [],
        "error_task": task_id,
    }
    content = rendering.case_page(request, context)
    return render(
        request,
        "innsyn/case.html",
        {"case": page.summary.case, "content": content},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def send_documents(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = _citizen(request)
    page = selectors.case_page(user, case_id)
    if page is None:
        raise Http404
    task_id = request.POST.get("oppgave", "")
    task = next((t for t in page.view.tasks if t.id == task_id), None)
    if task_id and task is None:
        return _render_case(request, case_id, errors=[_("Oppgaven finnes ikke lenger. Last siden på nytt.")])
    files = [(f.name, f.read()) for f in request.FILES.getlist("filer")]
    try:
        result = services.send_documents(actor=user, case=page.summary.case, task=task, files=files)
    except services.SendRefused as refused:
        message = (
            _("Velg minst én fil å sende.")
            if refused.reason == "no_files"
            else _(
                "Kommunen tar ikke imot dokumenter digitalt akkurat nå. Send dem i posten eller lever dem på Nav-kontoret."
            )
        )
        return _render_case(request, case_id, errors=[message], task_id=task_id)
    problems = [f"{r.name}: {r.message}" for r in result.refused]
    if result.delivery is None:
        return _render_case(request, case_id, errors=problems, task_id=task_id)
    sent = len(result.delivery.vedlegg_json["vedlegg"][0]["filer"])
    messages.success(
        request,
        _("%(count)s dokument er sendt til Nav-kontoret.") % {"count": sent}
        if sent == 1
        else _("%(count)s dokumenter er sendt til Nav-kontoret.") % {"count": sent},
    )
    for problem in problems:
        messages.warning(request, problem)
    return redirect("innsyn:case", case_id)


def _recent_payments_from() -> date:
    """The first day of the month three months back: the page shows payments from then on, and upcoming ones."""
    return (timezone.localdate().replace(day=1) - timedelta(days=62)).replace(day=1)


def _payments_by_month(view: CaseView, *, everything: bool) -> list[tuple[Any, list[Any]]]:
    """Payments by month; unless `everything`, only upcoming ones and those of the last three months."""
    from_month = _recent_payments_from()
    months: OrderedDict[Any, list[Any]] = OrderedDict()
    for payment in view.payments:
        if payment.status == UtbetalingStatus.ANNULLERT:
            continue
        if not everything and payment.month is not None and payment.month < from_month:
            continue
        months.setdefault(payment.month, []).append(payment)
    return list(months.items())
