from collections.abc import Callable
from datetime import datetime
from functools import cache, partial
from itertools import chain
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from markupsafe import Markup, escape

from digisos.core.admin import mask_identity_number
from digisos.core.formatting import account, formatters
from digisos.core.jinja2 import translator, uuid_url
from digisos.core.templatetags.digisos_forms import form_field
from digisos.inbox.selectors import is_inbox_user

from .forms import PersonLookupForm
from .policy import (
    NKS_ROLE,
    RELATION_WINDOW,
    DataKind,
    Employee,
    KnownRelation,
    Reason,
    employee_and_relation,
    employee_of,
    kinds_for,
)
from .queues import KEYS as QUEUE_KEYS
from .queues import QueuePosition, queue_page, work_queues
from .selectors import (
    PersonOverview,
    my_lookups,
    nks_person_overview,
    office_person_overview,
    privacy_sections,
    retention_rows,
)
from .services import check_access_kinds

# The kinds of data each overview shows, cases first: a look is audited once per kind.
# The state registers are asked of the policy for every office look; only NAV office staff are permitted them.
OFFICE_KINDS = (DataKind.CASES, DataKind.PAYMENTS, DataKind.DOCUMENTS, DataKind.STATE_REGISTERS)
NKS_KINDS = (DataKind.CASES, DataKind.PAYMENTS, DataKind.ATTACHMENT_NAMES)


def privacy(request: HttpRequest) -> HttpResponse:
    """Personvern og behandlingsgrunnlag: the data-flow register, public, no login."""
    context = {"sections": privacy_sections(), "retention": retention_rows()}
    return render(request, "followup/privacy.html", context)


@login_required
def my_lookups_page(request: HttpRequest) -> HttpResponse:
    """Hvem har sett opplysningene mine: the citizen's own lookups (ID-porten login)."""
    if not getattr(request.user, "pid", None):
        raise Http404
    return render(request, "followup/my_lookups.html", {"lookups": my_lookups(request.user)})


# Reasons shown as they are: they concern the request, not the person. Every other refusal (no relation,
# address protection, skjerming, unknown person, register down, NKS agreement) gets one text, so the answer never
# tells the employee that a person is protected or has a case somewhere.
_REQUEST_REASONS = {
    Reason.NO_PURPOSE: _("Velg formålet med oppslaget."),
    Reason.PURPOSE_NOT_ALLOWED: _("Velg et formål rollen din kan bruke."),
}


@never_cache
def person_lookup(request: HttpRequest) -> HttpResponse:
    """Opens a person for an employee: fødselsnummer and purpose in a POST body, the policy decides and is
    audited, and only a permitted look shows the person's cases (NKS: Modia's slice)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:employee-login"))
    now = timezone.now()
    employee, known = _employee(request, now)
    if employee.role is None:
        raise PermissionDenied
    form = PersonLookupForm(request.POST or None, role=employee.role)
    is_nks = employee.role == NKS_ROLE
    page: dict[str, Any] = {"is_nks": is_nks, "denied": None, "overview": None}
    if request.method == "POST" and not form.is_valid():
        _ask_for_purpose(form)
    elif request.method == "POST":
        pid = form.cleaned_data["fnr"]
        kinds = NKS_KINDS if is_nks else OFFICE_KINDS
        decisions = check_access_kinds(
            employee,
            pid=pid,
            purpose=form.cleaned_data["purpose"],
            kinds=kinds_for(employee.role, kinds),
            request=request,
            now=now,
            known=known,
        )
        decision = decisions[DataKind.CASES]
        if decision.permitted:
            # Each panel only for a kind of data the policy permitted (the rest stay None and are not shown).
            permitted = {kind for kind, answer in decisions.items() if answer.permitted}
            overview = nks_person_overview if is_nks else office_person_overview
            result = overview(employee, pid, kinds=permitted)
            if decision.reason in (Reason.PERMITTED_FORTROLIG, Reason.PERMITTED_STRENGT_FORTROLIG):
                result.protection = decision.reason.value  # the authorised look says so (overview.html)
            page.update(_overview_context(result, mask_identity_number(pid)))
        elif decision.reason in _REQUEST_REASONS:
            # A refusal of the request (audited above) is an error of the form, on its field, in the error
            # summary as on every other form; only a refusal about the person is the alert.
            form.add_error("purpose", _REQUEST_REASONS[decision.reason])
        else:
            page["denied"] = _("Du har ikke tilgang til opplysninger om denne personen.")
    # One masked CSRF token for the page's three forms (the lookup, and base.html's logout and language), not
    # one for the content's and one for base.html's: each masking draws 32 random characters. The masking is
    # per response (against BREACH), so one token serves every form of it (innsyn/rendering.py does the same).
    token = get_token(request)
    context = {
        "content": _page_html(request, form, {**page, "form_token": token}),
        "has_errors": bool(form.errors),
        "csrf_token": token,  # base.html's {% csrf_token %}: the user's context wins over the processor's
    }
    return render(request, "followup/person_lookup.html", context)


def _ask_for_purpose(form: PersonLookupForm) -> None:
    """A form with a wrong number and no purpose says both at once, not the purpose on the second try. Nobody
    was looked up, so there is no refusal to audit: the form says what the policy would say."""
    if form.is_bound and not form.data.get("purpose") and "purpose" not in form.errors:
        form.add_error("purpose", _REQUEST_REASONS[Reason.NO_PURPOSE])


def _employee(request: HttpRequest, now: datetime) -> tuple[Employee, KnownRelation | None]:
    """The employee, and for a posted number that can be a fødselsnummer (11 digits, as the form's field reads
    it) the person's relation to them, read with their groups in one statement (policy.employee_and_relation).
    The form is validated after (its purposes are the role's); `decide` uses the relation only for the number
    the form accepted, and reads it itself otherwise."""
    posted = "".join(request.POST.get("fnr", "").split()) if request.method == "POST" else ""
    if len(posted) == 11 and posted.isdigit():
        return employee_and_relation(request.user, pid=posted, since=now - RELATION_WINDOW)  # type: ignore[arg-type]
    return employee_of(request.user), None  # type: ignore[arg-type]


def _page_html(request: HttpRequest, form: PersonLookupForm, page: dict[str, Any]) -> SafeString:
    """The page's content from one Jinja2 template (followup/lookup_page.html), with the overview's fragment
    included in it: through Django's templates the page around the fragment (a form, an include of the error
    summary, a dozen tags) cost more than the fragment's panels. The fields are written by the accessible form
    tag and the error summary by its Django template, as on every other form."""
    summary = engines["django"].get_template("inbox/_error_summary.html") if form.errors else None
    context = {
        "_": translator(),
        "action": _ACTION(),
        "fields": SafeString("".join(form_field(field) for field in form)),
        "error_summary": SafeString(summary.render({"form": form}, request)) if summary else "",
        **page,
    }
    template = engines["jinja2"].get_template("followup/lookup_page.html")
    return SafeString(template.render(context, request))


# The form's action, the page's own address, reversed once per process (the URLconf does not change).
_ACTION = cache(lambda: reverse("followup:person-lookup"))


def _overview_context(overview: PersonOverview, person: str) -> dict[str, Any]:
    """What the overview's Jinja2 fragment (followup/fragments/overview.html, included by the page) needs: the
    overview, its formatters made once, and each list panel's rows.

    Each list panel's rows arrive as tuples of the texts their cells show, formatted here once per look (dates,
    amounts, the "–" of a missing value, the decisions of a case joined): the fragment only escapes and places
    them. Read from the rows and formatted through calls from the template, each cell was an attribute lookup,
    a test and a call through Jinja2's runtime, some 800 a look and two thirds of the fragment's time."""
    # The language's month names and separators looked up once per page (core/formatting.py), and every month
    # and amount written as core writes it: "oktober 2026", "5 250 kr"; "October 2026", "NOK 5,250".
    formats = formatters()
    amount = formats.amount
    day = formats.day_writer(timezone.get_current_timezone())
    # Each month's bar (its x, its top and height) and its name and amount once, for both the chart and its table.
    months = [
        (
            index * 18 + 2,
            100 - row.share,
            row.share,
            formats.month_and_year(row.month),
            amount(row.amount),
        )
        for index, row in enumerate(overview.months or ())
    ]
    cells = _overview_cells(overview, day, amount)
    return {
        "overview": overview,
        "person": person,
        "day": day,
        "amount": amount,
        "month_bars": _rows(_MONTH_BAR, months),
        "month_rows": _rows(_MONTH_ROW, [(label, shown) for _x, _y, _height, label, shown in months]),
        **{f"{panel}_rows": _rows(_ROWS[panel], rows) for panel, rows in cells.items()},
    }


# Each list panel's row, as the fragment wrote it around its cells (followup/fragments/overview.html places the
# rows). Written here with the cells escaped by one C call each: placed by the template, each of some 550 cells
# a look was a call of markupsafe's escape, a Markup made and a generator step in Jinja2's compiled code, most
# of the fragment's time. tests/followup/test_person_overview.py holds the rows' HTML.
_CELL = '<td class="aksel-table__data-cell">{}</td>'
_ROW_HEADER = '<th scope="row" class="aksel-table__data-cell">{}</th>'
_ROWS = {
    # A case row ends its line (the table's source is indented for reading), the other panels' rows do not.
    "case": f'<tr class="aksel-table__row" data-testid="case">{_ROW_HEADER}{_CELL * 6}</tr>\n',
    "decision": f'<tr class="aksel-table__row" data-testid="decision">{_CELL * 3}</tr>',
    "request": f'<tr class="aksel-table__row" data-testid="request">{_CELL * 3}</tr>',
    "condition": '<li data-testid="condition">{}</li>',
    "payment": f'<tr class="aksel-table__row" data-testid="payment">{_CELL * 5}</tr>',
    "document": '<li data-testid="document">{}</li>',
}
_MONTH_BAR = '<rect x="{}" y="{}" width="14" height="{}" fill="#0067c5"><title>{}: {}</title></rect>'
_MONTH_ROW = f'<tr class="aksel-table__row" data-testid="month">{_ROW_HEADER}{_CELL}</tr>'


# The cells' types that are never markup: anything else (a Markup, a SafeString, a lazy text) goes cell by cell.
_PLAIN = frozenset((str, int, float, type(None)))


def _rows(row: str, cells: list) -> Markup:
    """Each tuple of cells (a lone text is one cell) escaped by markupsafe (as Jinja2's autoescape escapes) and
    placed in `row`, the rows joined.

    The panel's cells are escaped together: their texts joined by a NUL, escaped by one call of markupsafe's C
    `escape` over the whole, and split again; every row is placed by one `format` of the row repeated. A call
    per cell (some 470 a look) was half the rows' time. A panel with markup (`__html__`) in a cell, or a NUL in a
    text, goes cell by cell, each through the same `escape`."""
    if not cells:
        return Markup("")
    rows = [cell if isinstance(cell, tuple) else (cell,) for cell in cells]
    # Iterated by C (chain, map), not by a generator per cell.
    flat = list(chain.from_iterable(rows))
    parts: list[str] | None = None
    # Texts and numbers only (by their exact type, one C pass: markup is a str subclass, and asking each of
    # some 550 cells for `__html__` was a failed attribute lookup each).
    if len(set(map(len, rows))) == 1 and _PLAIN.issuperset(map(type, flat)):
        # str.split, not Markup.split: the parts are placed in the row by `format`, not escaped again.
        parts = str.split(escape("\x00".join(map(str, flat))), "\x00")
        if len(parts) != len(flat):  # a NUL in a text: split where it should not
            parts = None
    # Safe: `row` is one of this module's constant row formats and every cell went through `escape`.
    if parts is not None:
        return Markup((row * len(rows)).format(*parts))  # noqa: S704
    return Markup("".join(row.format(*map(escape, cell)) for cell in rows))  # noqa: S704


# What a cell shows for a missing date or value (as the fragment's `none_text`).
_NONE = "–"


def _overview_cells(
    overview: PersonOverview, day: Callable[[Any], str], amount: Callable[[Any], str]
) -> dict[str, list]:
    """The list panels' cells as text, in the fragment's column order (followup/fragments/overview.html). Each
    is the text the template wrote before from the row (`{{ x }}`: None as "None", a number as its digits); the
    fragment escapes them. The rows' statuses, outcomes and titles are in words already, in the page's language
    (the selectors label them from soker/labels.py, translated once per language): no code is shown."""
    return {
        "case": [
            (
                case.title,
                day(case.sent_at),
                case.status,
                f"{case.municipality}, {case.office}" if case.office else f"{case.municipality}",
                case.open_tasks,
                day(case.next_deadline) if case.next_deadline else _NONE,
                "; ".join(f"{title}: {outcome}" if title else outcome for title, outcome in case.decisions)
                or _NONE,
            )
            for case in overview.cases
        ],
        "decision": [
            (
                day(row.at) if row.at else _NONE,
                f"{row.case_title}: {row.sak_title}" if row.sak_title else f"{row.case_title}",
                row.outcome,
            )
            for row in overview.decisions or ()
        ],
        "request": [
            (row.document_type, row.case_title, day(row.deadline) if row.deadline else _NONE)
            for row in overview.requests or ()
        ],
        "condition": [
            f"{row.title} ({row.case_title}): {row.status}"
            if row.status
            else f"{row.title} ({row.case_title})"
            for row in overview.conditions or ()
        ],
        "payment": [
            (
                day(row.day) if row.day else _NONE,
                amount(row.amount),
                row.status,
                row.recipient or _NONE,
                account(row.account) if row.account else _NONE,  # "1234 56 78903", as banks print it
            )
            for row in overview.payments or ()
        ],
        "document": [f"{row.name} ({row.case_title})" for row in overview.documents or ()],
    }


def work_queues_page(request: HttpRequest) -> HttpResponse:
    """The municipal caseworker's work queues (the inbox's users: the same rule decides)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:employee-login"))
    if not is_inbox_user(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    newest_first = request.GET.get("rekkefolge") == "nyeste"
    queues = work_queues(
        request.user.municipality_id,  # type: ignore[union-attr]
        newest_first=newest_first,
        user_id=request.user.pk,
    )
    # The counts and rows from one Jinja2 fragment (core/jinja2.py), rendered once per page: a hundred rows
    # with a {% url %} each through Django's templates were most of the page's time, and a fragment per queue
    # reversed the case link and set up its context four times. Each row's link and time are formatted here.
    row = _queue_row()
    shown = [(queue, [row(entry) for entry in queue.rows]) for queue in queues]
    template = engines["jinja2"].get_template("followup/fragments/work_queues.html")
    order = _ORDER_QUERY if newest_first else ""
    context = {"_": translator(), "shown": shown, "queue_url": _queue_url, "order": order}
    queues_html = SafeString(template.render(context, request))
    return render(
        request, "followup/work_queues.html", {"queues_html": queues_html, "newest_first": newest_first}
    )


def work_queue_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One work queue, all of it, fifty a page (keyset paging: `?neste=` carries where the page starts)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:employee-login"))
    if not is_inbox_user(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    key = QUEUE_KEYS.get(slug)
    if key is None:
        raise Http404
    newest_first = request.GET.get("rekkefolge") == "nyeste"
    after = QueuePosition.parse(key, request.GET.get("neste"))
    page = queue_page(
        request.user.municipality_id,  # type: ignore[union-attr]
        key,
        newest_first=newest_first,
        after=after,
        user_id=request.user.pk,
    )
    row = _queue_row()
    order = _ORDER_QUERY if newest_first else ""
    context = {
        "_": translator(),
        "queue": page.queue,
        "rows": [row(entry) for entry in page.queue.rows],
        "first_page": after is None,
        "next": f"?neste={page.next.token()}{'&' + order if order else ''}" if page.next else None,
        "here": _queue_url(slug),
        "order": order,
        "newest_first": newest_first,
        "all_queues": reverse("followup:work-queues"),
    }
    template = engines["jinja2"].get_template("followup/fragments/work_queue.html")
    content = SafeString(template.render(context, request))
    return render(request, "followup/work_queue.html", {"content": content, "title": page.queue.title})


_ORDER_QUERY = "rekkefolge=nyeste"


def _queue_url(slug: str) -> str:
    return reverse("followup:work-queue", args=[slug])


def _queue_row() -> Callable[[Any], tuple[str, str, str]]:
    """A queue row as its list shows it: the link to the inbox's case page, the title, and since when it waits
    ("3. mars 2026 14.05" in the local time zone). The link is reversed and the month names asked once per page:
    called from the template, each was a call through Jinja2's runtime, two hundred a page."""
    link = uuid_url("inbox:case")
    when = partial(formatters().day_and_clock, zone=timezone.get_current_timezone())
    return lambda entry: (link(entry.case_id), entry.title, when(entry.since))
