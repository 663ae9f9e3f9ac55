"""Thin views: the urgency page and the choice, the form (saved as a draft), the receipt, Mine meldinger."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digisos.municipalities.selectors import municipality_choices

from . import services
from .filling import Filling, error_summary
from .forms import MAX_CHILDREN, MAX_GUARDIANS
from .models import ConcernReport, ConcernState
from .pdf import render_report
from .selectors import reception_of, report_of_reporter, reports_of_reporter

KINDS = {choice.value for choice in ConcernReport.Kind}


def start(request: HttpRequest) -> HttpResponse:
    """Call 112 if a child is in danger now; then the municipality, then private or public reporter."""
    kommunenummer = request.GET.get("kommune", "").strip()
    reception = reception_of(kommunenummer) if kommunenummer else None
    context = {
        "municipalities": municipality_choices(),
        "kommunenummer": kommunenummer,
        "reception": reception,
        "unknown_municipality": bool(kommunenummer) and reception is None,
    }
    return render(request, "concerns/start.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def before_form(request: HttpRequest, kommunenummer: str, kind: str) -> HttpResponse:
    reception = reception_of(kommunenummer)
    if kind not in KINDS or reception is None:
        raise Http404
    if not reception.activated or not getattr(request.user, "pid", None):
        return render(request, "concerns/not_activated.html", {"reception": reception})
    if request.method == "POST":
        report = services.start_report(user=request.user, kind=kind, municipality=reception.municipality)  # type: ignore[arg-type]
        return redirect("concerns:form", report.id)
    drafts = reports_of_reporter(request.user).filter(  # type: ignore[arg-type]
        status=ConcernReport.Status.DRAFT, kind=kind, municipality=reception.municipality
    )
    context = {
        "reception": reception,
        "kind": kind,
        "drafts": drafts,
        "public": kind == ConcernReport.Kind.PUBLIC,
    }
    return render(request, "concerns/before.html", context)


def _own(request: HttpRequest, report_id: uuid.UUID) -> ConcernReport:
    report = report_of_reporter(request.user, report_id)  # type: ignore[arg-type]
    if report is None:
        raise Http404
    return report


@login_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    try:
        return _fill(request, report_id)
    except services.ReportRefused as refused:
        if refused.reason == "not_activated":
            # The office stopped taking reports since the form's page was read: the draft is saved (the send
            # saves it first), and the page says how to report by phone or letter instead.
            reception = reception_of(_own(request, report_id).municipality_id)
            return render(request, "concerns/not_activated.html", {"reception": reception}, status=409)
        if refused.reason != "already_sent":
            raise
        # Sent in another tab since this one read the draft: nothing of this post was stored.
        messages.info(request, _("Meldingen er allerede sendt. Det du skrev nå, ble ikke lagt til."))
        return redirect("concerns:receipt", report_id)


def _fill(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = _own(request, report_id)
    if report.status != ConcernReport.Status.DRAFT:
        return redirect("concerns:receipt", report.id)
    reception = reception_of(report.municipality_id)
    if reception is None or not reception.activated:
        return render(request, "concerns/not_activated.html", {"reception": reception})
    if request.method == "GET":
        filling = Filling(report, reception.offices)
        return _form_page(request, report, filling)
    action = request.POST.get("action", "save")
    current = Filling(report, reception.offices, request.POST, **_counts(request))
    children, guardians = current.children_count, current.guardians_count
    if action == "add_child":
        children = min(children + 1, MAX_CHILDREN)
    elif action == "remove_child":
        children = max(children - 1, 1)
    elif action == "add_guardian":
        guardians = min(guardians + 1, MAX_GUARDIANS)
    elif action == "remove_guardian":
        guardians = max(guardians - 1, 1)
    if action == "send":
        if current.is_valid():
            services.save_draft(report=report, answers=current.to_draft())
            services.submit_report(
                report=report, answers=current.answers(), bydelsnummer=current.bydelsnummer
            )
            return redirect("concerns:receipt", report.id)
        services.save_draft(report=report, answers=current.to_draft())
        return _form_page(request, report, current, status=400)
    draft = current.to_draft()
    draft["barn"] = (draft["barn"] + [{}] * children)[:children]
    if current.public:
        draft["foresatte"] = (draft["foresatte"] + [{}] * guardians)[:guardians]
    services.save_draft(report=report, answers=draft)
    if action == "save":
        messages.success(request, _("Utkastet er lagret. Du finner det under Mine meldinger."))
        return redirect("concerns:mine")
    anchor = {"add_child": f"barn-{children - 1}", "add_guardian": f"foresatt-{guardians - 1}"}.get(
        action, ""
    )
    return redirect(f"{request.path}#{anchor}" if anchor else request.path)


def _counts(request: HttpRequest) -> dict[str, int]:
    """How many children and guardians the posted page had (bounded: a post cannot ask for a thousand)."""

    def number(name: str, limit: int) -> int:
        try:
            return min(max(int(request.POST.get(name, "1")), 1), limit)
        except ValueError:
            return 1

    return {
        "children": number("barn_antall", MAX_CHILDREN),
        "guardians": number("foresatte_antall", MAX_GUARDIANS),
    }


def _form_page(
    request: HttpRequest, report: ConcernReport, filling: Filling, status: int = 200
) -> HttpResponse:
    context = {
        "report": report,
        "filling": filling,
        "errors": error_summary(filling) if filling.reporter.is_bound else [],
        "public": filling.public,
        "reporter_name": services.reporter_name(request.user),  # type: ignore[arg-type]
        "max_children": MAX_CHILDREN,
        "max_guardians": MAX_GUARDIANS,
    }
    return render(request, "concerns/form.html", context, status=status)


@login_required
@require_POST
def delete(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = _own(request, report_id)
    try:
        services.delete_draft(report=report)
    except services.ReportRefused:  # sent in another tab since this one showed the draft
        messages.info(request, _("Meldingen er allerede sendt, og kan ikke slettes."))
        return redirect("concerns:receipt", report.id)
    messages.success(request, _("Utkastet er slettet."))
    return redirect("concerns:mine")


@login_required
def receipt(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = _own(request, report_id)
    if report.status != ConcernReport.Status.SENT:
        return redirect("concerns:form", report.id)
    return render(
        request, "concerns/receipt.html", {"report": report, "copy_available": _copy_available(report)}
    )


def _copy_available(report: ConcernReport) -> bool:
    """A public reporter keeps a copy for their archive; never once the municipality has it (LEVERT)."""
    return (
        report.kind == ConcernReport.Kind.PUBLIC
        and report.content is not None
        and not report.states.filter(state=ConcernState.State.LEVERT).exists()
    )


@login_required
def copy_pdf(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = _own(request, report_id)
    if report.status != ConcernReport.Status.SENT or not _copy_available(report):
        raise Http404
    response = HttpResponse(render_report(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bekymringsmelding-{report.sent_at:%Y-%m-%d}.pdf"'
    )
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    reports = list(reports_of_reporter(request.user))  # type: ignore[arg-type]
    context = {
        "drafts": [r for r in reports if r.status == ConcernReport.Status.DRAFT],
        "sent": [r for r in reports if r.status == ConcernReport.Status.SENT],
    }
    return render(request, "concerns/mine.html", context)
