"""The manual inbox in the browser, for municipal caseworkers without a case system. Thin: every read goes
through `selectors` and every write through one action in `services`."""

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digisos.accounts.models import User
from digisos.core import formatting
from digisos.core.jinja2 import translator, uuid_url
from digisos.exchange.errors import ExchangeRefused
from digisos.exchange.models import Case, Delivery
from digisos.municipalities.selectors import digital_status

from . import queues as inbox_queues
from . import selectors
from . import services as actions
from .forms import (
    DecisionForm,
    DocumentRequestForm,
    InboxForm,
    PaperCountForm,
    PaymentForm,
    ReceiveForm,
    StatusForm,
)

FORMS: dict[str, type[InboxForm]] = {
    form.prefix: form for form in (ReceiveForm, StatusForm, DocumentRequestForm, DecisionForm, PaymentForm)
}

View = Callable[..., HttpResponse]


def caseworker_required(view: View) -> View:
    """Logged out: to the employee login. Logged in without the municipal caseworker role: 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:employee-login"))
        if not selectors.is_inbox_user(request.user):  # type: ignore[arg-type]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
def queues(request: HttpRequest) -> HttpResponse:
    """Every queue the employee may open (the inbox's own and those services register, inbox/queues.py), with
    how many new ones wait; 403 for anyone who may open none."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:employee-login"))
    offered = inbox_queues.queues_for(request.user)  # type: ignore[arg-type]
    if not offered:
        raise PermissionDenied
    return render(request, "inbox/queues.html", {"queues": offered})


@caseworker_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # "eldre"/"nyere": the position of the last/first row of the page the caseworker came from (keyset
    # paging, see selectors.ListPosition); a broken or old link (the former "side=") shows the first page.
    older_than = selectors.ListPosition.parse(request.GET.get("eldre"))
    newer_than = None if older_than else selectors.ListPosition.parse(request.GET.get("nyere"))
    page = selectors.inbox_page(
        user.municipality_id, older_than=older_than, newer_than=newer_than, user_id=user.pk
    )
    first_page = older_than is None and newer_than is None
    content = _inbox_content(
        request, page, first_page=first_page, name=page.municipality_name or user.municipality_id
    )
    return render(request, "inbox/inbox.html", {"content": content})


class _Row(NamedTuple):
    """A row of the list as the fragment shows it, its texts made here. A tuple, unpacked into names by the
    fragment's loop: each attribute looked up through Jinja2's getattr (some fifteen a row) cost more than the
    rest of the row's writing."""

    public_id: uuid.UUID
    case_url: str
    paper: bool  # a paper case: no application
    reference: str | None  # the application's reference
    applicant: str
    office_name: str
    kind: str  # the kind's label
    came_iso: str  # when it came in, ISO 8601 in the local time zone ("" if not known)
    came_text: str  # the same as the page language writes it
    new: bool  # not yet received ("available"): the new kind of delivery needs reading
    soknad: bool  # an application (not documents sent later)
    status: str  # the application's status (the stored read model's)
    waiting_until: datetime | None  # the next deadline of documents asked for, while any are awaited


def _inbox_content(
    request: HttpRequest, page: selectors.InboxPage, *, first_page: bool, name: str
) -> SafeString:
    """The list's content from one Jinja2 fragment (inbox_page.html, which includes inbox_rows.html): fifty
    rows through Django's template engine were most of the page's time, and the page's own two dozen tags
    (texts, links) a tenth of it. The kinds' labels, the time zone, the language's formats and the case link's
    URL are looked up once per page; each row's time is converted once, and its texts made in one plain loop
    here rather than by three calls per row from the template (a tenth of the page's CPU)."""
    zone = timezone.get_current_timezone()
    # The page language's own date and time (core/formatting.py), as on every other page.
    shown = formatting.formatters()
    kinds = {value: str(label) for value, label in Delivery.Kind.choices}
    case_url = uuid_url("inbox:case")
    rows = []
    for delivery in page.deliveries:
        came = delivery.available_at.astimezone(zone) if delivery.available_at else None
        case = delivery.case
        rows.append(
            _Row(
                delivery.public_id,
                case_url(case.id),
                case.application is None,
                case.application.reference if case.application else None,
                case.applicant,
                case.office_name,
                kinds.get(delivery.kind, delivery.kind),
                came.isoformat() if came else "",
                shown.local_day_and_time(came) if came else "",
                delivery.status == Delivery.Status.AVAILABLE,
                delivery.kind == Delivery.Kind.SOKNAD,
                case.status,
                case.next_deadline if case.open_tasks else None,
            )
        )

    def day(value: datetime) -> str:
        return shown.day(value, zone)

    count = page.new_count
    template = engines["jinja2"].get_template("inbox/fragments/inbox_page.html")
    context = {
        "_": translator(),
        "page": page,
        "rows": rows,
        "day": day,
        "first_page": first_page,
        "municipality_name": name,
        "new_count_capped": count > selectors.NEW_COUNT_CAP,
        # "1 000": grouped as Norwegian writes numbers (a no-break space between the groups).
        "new_count_cap": f"{selectors.NEW_COUNT_CAP:,}".replace(",", "\u00a0"),
        # A plural, so made here (makemessages does not read plurals in Jinja2 templates).
        "new_count_text": ngettext("%(count)s ny venter.", "%(count)s nye venter.", count) % {"count": count},
    }
    return SafeString(template.render(context, request))


def _case(request: HttpRequest, case_id: uuid.UUID) -> Case:
    case = selectors.case_for(request.user, case_id)  # type: ignore[arg-type]
    if case is None:
        raise Http404
    return case


def _render_case(request: HttpRequest, case: Case, failed: InboxForm | None = None) -> HttpResponse:
    forms = {prefix: form_class() for prefix, form_class in FORMS.items()}
    if failed is not None:
        forms[failed.prefix] = failed
    actions.record_case_read(actor=request.user, case=case)  # type: ignore[arg-type]
    context = {
        "case": case,
        "application": case.application,
        "page": selectors.inbox_case_page(
            case,
            request.user,  # type: ignore[arg-type]
            events_page=request.GET.get("side"),
        ),
        "status": digital_status(case.municipality_id),
        "content": selectors.application_content(case),
        "forms": forms,
        "failed": failed,
    }
    return render(request, "inbox/case.html", context)


@caseworker_required
@require_GET
def case(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _render_case(request, _case(request, case_id))


def _act(
    request: HttpRequest, case_id: uuid.UUID, prefix: str, run: Callable[[User, Case, dict[str, Any]], str]
) -> HttpResponse:
    """Validate the form, run the action, redirect with its message; or show the page again with the error."""
    found = _case(request, case_id)
    form = FORMS[prefix](request.POST, request.FILES)
    if form.is_valid():
        try:
            message = run(request.user, found, form.cleaned_data)  # type: ignore[arg-type]
        except actions.LetterRefused as refused:
            form.add_error(form.letter_field or None, refused.message)
        except ExchangeRefused as refused:
            form.add_error(None, _refusal_text(refused))
        else:
            messages.success(request, message)
            return redirect("inbox:case", found.id)
    return _render_case(request, found, failed=form)


def _refusal_text(refused: ExchangeRefused) -> str:
    if not refused.violations:
        return refused.message
    return " ".join([refused.message, *(str(v) for v in refused.violations[:3])])


def _mark_received(actor: User, case: Case, data: dict[str, Any]) -> str:
    outcome = actions.mark_received(actor=actor, case_id=case.id)
    if not outcome.status_stored and not selectors.has_received(case.id):
        return _(
            "Søknaden er markert som mottatt. Kommunen viser ikke status på nett nå, så søkeren får ikke "
            "beskjed om dette på nett."
        )
    return _("Søknaden er markert som mottatt.")


def _set_status(actor: User, case: Case, data: dict[str, Any]) -> str:
    actions.set_status(actor=actor, case_id=case.id, status=data["status"])
    return _("Statusen er lagret. Søkeren ser den på nett.")


def _request_documents(actor: User, case: Case, data: dict[str, Any]) -> str:
    actions.request_documents(
        actor=actor,
        case_id=case.id,
        dokumenttype=data["dokumenttype"],
        tilleggsinformasjon=data["tilleggsinformasjon"],
        frist=data["frist"],
        letter=data["brev"],
    )
    return _("Søkeren er bedt om dokumentasjon med frist %(frist)s.") % {
        "frist": formatting.day(data["frist"])
    }


def _record_decision(actor: User, case: Case, data: dict[str, Any]) -> str:
    actions.record_decision(
        actor=actor,
        case_id=case.id,
        utfall=data["utfall"],
        letter=data["vedtaksbrev"],
        saksreferanse=data["saksreferanse"],
    )
    return _("Vedtaket er lagret. Søkeren ser vedtaksbrevet på nett.")


def _record_payment(actor: User, case: Case, data: dict[str, Any]) -> str:
    actions.record_payment(
        actor=actor,
        case_id=case.id,
        belop=data["belop"],
        beskrivelse=data["beskrivelse"],
        forfallsdato=data["forfallsdato"],
        status=data["status"],
        saksreferanse=data["saksreferanse"],
    )
    return _("Utbetalingen er lagret.")


@caseworker_required
@require_POST
def mark_received(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _act(request, case_id, ReceiveForm.prefix, _mark_received)


@caseworker_required
@require_POST
def set_status(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _act(request, case_id, StatusForm.prefix, _set_status)


@caseworker_required
@require_POST
def request_documents(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _act(request, case_id, DocumentRequestForm.prefix, _request_documents)


@caseworker_required
@require_POST
def record_decision(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _act(request, case_id, DecisionForm.prefix, _record_decision)


@caseworker_required
@require_POST
def record_payment(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _act(request, case_id, PaymentForm.prefix, _record_payment)


@caseworker_required
@require_http_methods(["GET", "POST"])
def paper_counts(request: HttpRequest) -> HttpResponse:
    """An inbox municipality's paper applications per month, entered (or corrected) by its caseworkers, for
    the statistics' paper-applications figure."""
    user: User = request.user  # type: ignore[assignment]
    form = PaperCountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_paper_count(
                actor=user, month=form.cleaned_data["month"], count=form.cleaned_data["count"]
            )
        except actions.PaperCountRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(
                request,
                _("Antallet for %(month)s er lagret.")
                % {"month": formatting.month_and_year(form.cleaned_data["month"])},
            )
            return redirect("inbox:paper-counts")
    context = {
        "form": form,
        "rows": selectors.paper_counts(user.municipality_id),
        "in_inbox": selectors.receives_in_inbox(user.municipality_id),
    }
    return render(request, "inbox/paper_counts.html", context, status=400 if form.errors else 200)
