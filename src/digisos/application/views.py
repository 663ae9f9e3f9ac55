"""Thin views for the application: each step is GET (show) and POST (save, then go on)."""

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.forms.widgets import ChoiceWidget, HiddenInput
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digisos.documents.permissions import NotAllowed
from digisos.documents.views import SESSION_REFUSALS, not_allowed
from digisos.municipalities.selectors import digital_status, offices_of

from . import rendering, services, steps
from .models import Application
from .requirements import documentation_requirements
from .selectors import (
    application_of_owner,
    case_of_sent,
    draft_page_of_owner,
    files_by_requirement,
    overview_of,
    sent_last_24h,
    start_page_for_citizen,
)
from .summary import amounts_shown, sections


def start(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and getattr(user, "pid", None):
        overview = overview_of(user)
        context = {
            "page": start_page_for_citizen(user.pid),
            "drafts": overview.drafts,
            "sent": overview.sent,
            "rate_limited": overview.sent_last_24h >= services.MAX_SENT_PER_24H,
        }
        page = context["page"]
        # Said before the first step: where the application could never be sent, no "Start ny søknad".
        context["can_start"] = (
            page.routing is None
            or page.routing.municipality is None
            or (
                services.may_send_to(user, page.status)  # type: ignore[arg-type]
            )
        )
        return render(request, "application/start_citizen.html", context)
    return render(request, "application/start_anonymous.html")


@login_required
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    try:
        application = services.start_application(user=request.user)  # type: ignore[arg-type]
    except services.ApplicationRefused as refused:
        status = start_page_for_citizen(request.user.pid or "").status  # type: ignore[union-attr]
        return _gate(request, refused.reason, None, status=status)
    return redirect("application:step", application.id, steps.STEPS[0].slug)


def _gate(
    request: HttpRequest, reason: str, application: Application | None, *, status: Any = None
) -> HttpResponse:
    if application and application.municipality_id:
        status = digital_status(application.municipality_id)
    return render(
        request,
        "application/gate.html",
        {"reason": reason, "application": application, "status": status},
        status=200,
    )


def _own(request: HttpRequest, application_id: uuid.UUID) -> Application:
    application = application_of_owner(request.user, application_id)
    if application is None:
        raise Http404
    return application


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, application_id: uuid.UUID, slug: str) -> HttpResponse:
    if request.method == "POST" and slug not in ("dokumentasjon", "oppsummering"):
        return _post_step(request, application_id, slug)
    page = draft_page_of_owner(request.user, application_id)
    if page is None:
        raise Http404
    application = page.application
    if application.status != Application.Status.DRAFT:
        if request.method == "POST":  # the documentation step or the summary, saved after it was sent
            return _already_sent(request, application)
        return redirect("application:receipt", application.id)
    current = steps.by_slug(slug, short=application.is_short)
    if current is None:
        raise Http404
    if current.key == "dokumentasjon":
        return _documentation_step(request, application, current, page.status)
    if current.key == "oppsummering":
        return _summary_step(request, application, current, page.status)
    assert current.form is not None
    form = current.form(**_form_kwargs(application, current))
    return _form_page(request, application, current, form, page.status)


@login_required
def resume(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """ "Fortsett der du slapp": the draft opened where the person left off (steps.resume_at: the step paused on,
    or the first step not done). A redirect, so that the lists of drafts (the start page, Mine søknader) need
    not read every draft's answers."""
    page = draft_page_of_owner(request.user, application_id)
    if page is None:
        raise Http404
    application = page.application
    if application.status != Application.Status.DRAFT:
        return redirect("application:receipt", application.id)
    target = steps.resume_at(
        application.answers,
        short=application.is_short,
        has_office=bool(application.enhetsnummer),
        paused=application.paused_step,
    )
    return redirect("application:step", application.id, target.slug)


def _post_step(request: HttpRequest, application_id: uuid.UUID, slug: str) -> HttpResponse:
    """A step's form posted: validated and saved on the draft as read and locked once (every answer is saved
    at once, a crash never loses one); on to the next step, or the page again with what to correct."""
    shown: dict[str, Any] = {}

    def answers_of(application: Application) -> tuple[str, dict[str, Any]] | None:
        current = steps.by_slug(slug, short=application.is_short)
        if current is None or current.form is None:  # not a step of this variant (kort søknad)
            return None
        form = current.form(request.POST, **_form_kwargs(application, current))
        shown.update(current=current, form=form)
        return (current.key, form.to_answers()) if form.is_valid() else None

    try:
        application = services.save_step_of_owner(
            owner=request.user,  # type: ignore[arg-type]
            application_id=application_id,
            answers_of=answers_of,
            paused_step=slug if "later" in request.POST else "",
        )
    except services.AlreadySent as sent:
        current = steps.by_slug(slug, short=sent.application.is_short)
        typed = _typed_texts(current.form, request.POST) if current and current.form else []
        return _already_sent(request, sent.application, typed=typed)
    if application is None:
        raise Http404
    if "form" not in shown:
        raise Http404
    current, form = shown["current"], shown["form"]
    if form.is_valid() and not _stops_for_want_of_an_office(request, application, current):
        return _go_on(request, application, current)
    if form.is_valid():
        # Saved, but no NAV office: the step again, with the form read against the saved address (its
        # municipality's offices to choose from) and what to do. Before, all nine steps could be filled in and
        # only the summary said that the application could not be sent.
        form = current.form(request.POST, **_form_kwargs(application, current))
        form.is_valid()
        form.add_error(*_no_office_error(form))
    status = digital_status(application.municipality_id) if application.municipality_id else None
    return _form_page(request, application, current, form, status)


def _stops_for_want_of_an_office(request: HttpRequest, application: Application, current: steps.Step) -> bool:
    """The address step, saved, leads to no NAV office, and the person goes on (not "save and continue later")."""
    return current.key == "personalia" and not application.enhetsnummer and "later" not in request.POST


def _no_office_error(form: Any) -> tuple[str, str]:
    """Which field of the address step's form (read against the saved address) to correct, and how, when the
    address leads to no NAV office."""
    if len(form.fields["nav_kontor"].choices) > 1:  # the municipality's offices after "Velg Nav-kontor"
        return "nav_kontor", _("Velg Nav-kontoret som skal få søknaden.")
    if form.cleaned_data.get("adresse_valg") == "soknad":
        return "postnummer", _(
            "Vi finner ikke Nav-kontoret for denne adressen. Sjekk gateadressen og postnummeret, eller ring Nav "
            "på 55 55 33 33, så finner vi kontoret sammen."
        )
    return "adresse_valg", _(
        "Vi finner ikke Nav-kontoret for adressen din i Folkeregisteret. Velg «Jeg bor på en annen adresse» og "
        "skriv adressen, eller ring Nav på 55 55 33 33."
    )


def _form_kwargs(application: Application, current: steps.Step) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "answers": application.answers.get(current.key, {}),
        "registers": application.registers,
    }
    if current.key == "personalia":
        kwargs["offices"] = _office_choices(application)
    return kwargs


def _form_page(
    request: HttpRequest, application: Application, current: steps.Step, form: Any, status: Any
) -> HttpResponse:
    return render(
        request,
        "application/step.html",
        _step_context(application, current, form, **_blocked(request.user, application, status)),
    )


def _office_choices(application: Application) -> list[tuple[str, str]]:
    return (
        [(office.enhetsnummer, office.name) for office in offices_of(application.municipality_id)]
        if application.municipality_id
        else []
    )


def _go_on(request: HttpRequest, application: Application, current: steps.Step) -> HttpResponse:
    if "previous" in request.POST:
        target = steps.neighbour(current, -1, short=application.is_short)
    elif "later" in request.POST:
        return redirect("application:start")
    else:
        target = steps.neighbour(current, +1, short=application.is_short)
    return redirect("application:step", application.id, (target or current).slug)


def _blocked(user: Any, application: Application, status: Any) -> dict[str, Any]:
    """For a step: whether the draft's municipality cannot take it now (closed after it was started, or
    another address chosen in step 1), so every step says so with the paper way, not only the summary.
    `status`: the municipality's digital status, read with the draft."""
    if not application.municipality_id:
        return {"blocked": False}
    return {"blocked": not services.may_send_to(user, status), "blocked_status": status}


def _step_context(application: Application, current: steps.Step, form: Any, **extra: Any) -> dict[str, Any]:
    return {
        "application": application,
        "step": current,
        "number": steps.number_of(current, short=application.is_short),
        "total": len(steps.steps_of(application.is_short)),
        "steps": steps.steps_of(application.is_short),
        "progress": rendering.progress(application, current),
        "form": form,
        "registers": application.registers,
        "person": application.registers.get("person") or {},
        "previous": steps.neighbour(current, -1, short=application.is_short),
        **extra,
    }


def _documentation_step(
    request: HttpRequest, application: Application, current: steps.Step, status: Any
) -> HttpResponse:
    requirements = documentation_requirements(
        application.answers, application.registers, today=timezone.localdate(), short=application.is_short
    )
    if request.method == "POST":
        form = steps.DokumentasjonForm(request.POST, requirements=requirements, answers=application.answers)
        if form.is_valid():
            try:
                application = services.save_step(
                    application=application,
                    step="dokumentasjon",
                    answers=form.to_answers(),
                    paused_step=current.slug if "later" in request.POST else "",
                )
            except services.AlreadySent as sent:  # sent in another tab since the page was read
                return _already_sent(request, sent.application)
            return _go_on(request, application, current)
    else:
        form = steps.DokumentasjonForm(requirements=requirements, answers=application.answers)
    files = files_by_requirement(application)
    refusals = request.session.pop(f"{SESSION_REFUSALS}.{application.folder_id}", [])
    cards = [
        {
            "index": index,
            "requirement": requirement,
            "fields": form.fields_of(index),
            "files": files.get(requirement.key, []),
            "refusals": [r for r in refusals if r.get("requirement") == requirement.key],
        }
        for index, requirement in enumerate(requirements)
    ]
    return render(
        request,
        "application/step_documentation.html",
        _step_context(application, current, form, cards=cards, **_blocked(request.user, application, status)),
    )


@login_required
@require_POST
def upload(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _own(request, application_id)
    if application.status != Application.Status.DRAFT:
        return _already_sent(request, application, files=_file_names(request))
    # The card's upload button names its requirement (`upload`); a plain form posts `requirement`.
    requirement = request.POST.get("upload") or request.POST.get("requirement", "")
    requirements = documentation_requirements(
        application.answers, application.registers, today=timezone.localdate(), short=application.is_short
    )
    known = [r.key for r in requirements]
    if requirement not in known:
        raise Http404
    if "with_amounts" in request.POST:
        try:
            application = _keep_amounts(request, application, requirements)
        except services.AlreadySent as sent:
            return _already_sent(request, sent.application, files=_file_names(request))
    uploaded = request.FILES.getlist(f"files-{known.index(requirement)}") or request.FILES.getlist("files")
    files = [(f.name or "", f.read()) for f in uploaded]
    anchor = f"#krav-{requirement.replace('|', '-')}"
    if not files:
        refusal = services.documents.UploadRefused("no_file", "")
        request.session[f"{SESSION_REFUSALS}.{application.folder_id}"] = [
            {"name": "", "message": refusal.message, "requirement": requirement}
        ]
        return redirect(reverse("application:step", args=[application.id, "dokumentasjon"]) + anchor)
    try:
        outcome = services.upload_to_requirement(
            actor=request.user, application=application, requirement=requirement, files=files
        )  # type: ignore[arg-type]
    except NotAllowed as refused:  # sent in another tab while the files were being converted
        now = application_of_owner(request.user, application.id)
        if now is not None and now.status != Application.Status.DRAFT:
            return _already_sent(request, now, files=_file_names(request))
        return not_allowed(request, refused)
    if outcome.refused:
        request.session[f"{SESSION_REFUSALS}.{application.folder_id}"] = [
            {"name": r.name, "message": r.message, "requirement": requirement} for r in outcome.refused
        ]
    return redirect(reverse("application:step", args=[application.id, "dokumentasjon"]) + anchor)


def _already_sent(
    request: HttpRequest,
    application: Application,
    *,
    typed: list[tuple[Any, str]] | None = None,
    files: list[str] | None = None,
    deleting: bool = False,
) -> HttpResponse:
    """A save (a step, "Lagre og fortsett senere", an upload) to an application already sent, in another tab
    or window: nothing was stored, and the page says so, when it was sent, and where to send more instead.
    What was typed or chosen now is shown again, to be copied (nothing lost without a word). 409: the request
    conflicts with the application's state; a second click on "Send" still gets the receipt (send).
    `deleting`: "Slett søknaden" was asked for; the page says a sent application is not deleted."""
    return render(
        request,
        "application/already_sent.html",
        {
            "application": application,
            "case_id": case_of_sent(application),
            "typed": typed or [],
            "files": files or [],
            "deleting": deleting,
        },
        status=409,
    )


def _typed_texts(form_class: type[forms.Form], data: Any) -> list[tuple[Any, str]]:
    """The texts typed into a step's form (its text fields, not its choices), with their labels."""
    typed = []
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, (ChoiceWidget, HiddenInput)):
            value = str(data.get(name, "")).strip()
            if value:
                typed.append((field.label, value))
    return typed


def _file_names(request: HttpRequest) -> list[str]:
    return [upload.name or "" for key in request.FILES for upload in request.FILES.getlist(key)]


def _keep_amounts(request: HttpRequest, application: Application, requirements: list[Any]) -> Application:
    """The amounts and "levert tidligere" posted with an upload (the page is one form), saved as the step's
    answers so that nothing typed is lost; a field that does not validate keeps its saved value and is
    checked again when the person goes on."""
    form = steps.DokumentasjonForm(request.POST, requirements=requirements, answers=application.answers)
    form.is_valid()
    answers = form.to_answers()
    saved = application.answers.get("dokumentasjon", {})
    for index, requirement in enumerate(requirements):
        kept = saved.get(requirement.key, {}).get("belop", {})
        for name in kept:
            if f"r{index}_{name}" in form.errors:
                answers[requirement.key]["belop"].setdefault(name, kept[name])
    # The person stays on the documentation step (more documents may follow): a draft left now opens there.
    return services.save_step(
        application=application, step="dokumentasjon", answers=answers, paused_step="dokumentasjon"
    )


def _summary_step(
    request: HttpRequest, application: Application, current: steps.Step, status: Any
) -> HttpResponse:
    requirements = documentation_requirements(
        application.answers, application.registers, today=timezone.localdate(), short=application.is_short
    )
    files = files_by_requirement(application)
    earlier = {
        k for k, v in application.answers.get("dokumentasjon", {}).items() if v.get("levert_tidligere")
    }
    context = _step_context(
        application,
        current,
        None,
        sections=sections(
            application.answers,
            application.registers,
            office=application.office_name,
            short=application.is_short,
        ),
        requirements=[
            {
                "requirement": r,
                "files": files.get(r.key, []),
                "earlier": r.key in earlier,
                "amounts": amounts_shown(application.answers, r),
            }
            for r in requirements
        ],
        status=status,
        can_send=bool(application.enhetsnummer) and services.may_send_to(request.user, status),  # type: ignore[arg-type]
        rate_limited=sent_last_24h(request.user) >= services.MAX_SENT_PER_24H,
    )
    return render(request, "application/step_summary.html", context)


@login_required
@require_POST
def send(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _own(request, application_id)
    try:
        services.send_application(actor=request.user, application_id=application.id)  # type: ignore[arg-type]
    except services.ApplicationRefused as refused:
        return _gate(request, refused.reason, application_of_owner(request.user, application_id))
    return redirect("application:receipt", application.id)


@login_required
def receipt(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _own(request, application_id)
    if application.status == Application.Status.DRAFT:
        return redirect("application:step", application.id, steps.steps_of(application.is_short)[-1].slug)
    vedlegg = application.vedlegg_json or {"vedlegg": []}
    missing = [v for v in vedlegg["vedlegg"] if v["status"] == "VedleggKreves"]
    titles = {
        r.key: r
        for r in documentation_requirements(
            application.answers, application.registers, today=timezone.localdate(), short=application.is_short
        )
    }
    return render(
        request,
        "application/receipt.html",
        {
            "application": application,
            "missing": [titles.get(f"{v['type']}|{v['tilleggsinfo']}") for v in missing],
            "status": digital_status(application.municipality_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _own(request, application_id)
    if application.status != Application.Status.DRAFT:  # "Slett søknaden" in a tab opened before it was sent
        return _already_sent(request, application, deleting=True)
    if request.method == "POST":
        try:
            services.delete_draft(actor=request.user, application=application)  # type: ignore[arg-type]
        except services.AlreadySent as sent:
            return _already_sent(request, sent.application, deleting=True)
        return redirect("application:start")
    return render(request, "application/delete.html", {"application": application})
