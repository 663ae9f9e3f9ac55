"""The onboarding pages. Thin: reads through `selectors`, every change through one action in `services`;
a refused change is shown as the service's plain message on the municipality's page."""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from digisos.municipalities.selectors import digital_status

from . import selectors, service_registry, services
from .agreements import KINDS
from .forms import (
    BaselineForm,
    ClosureForm,
    ConfigurationForm,
    ConnectForm,
    GoLiveForm,
    InboxChoiceForm,
    InvitationForm,
    OperatorStartForm,
    StartForm,
)
from .models import Onboarding, Role, Stage
from .path import BASELINE_RECORDERS, CONFIGURATION_FIELDS, INVITERS

View = Callable[..., HttpResponse]
PATH = [Stage.DECISION, Stage.AGREEMENTS, Stage.CONFIGURATION, Stage.INTEGRATION, Stage.GO_LIVE, Stage.LIVE]


def logged_in(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _onboarding(request: HttpRequest, kommunenummer: str) -> tuple[Onboarding, set[str]]:
    onboarding = (
        Onboarding.objects.select_related("municipality").filter(municipality_id=kommunenummer).first()
    )
    if onboarding is None:
        raise Http404
    try:
        roles = selectors.roles_of(request.user, onboarding)
    except selectors.RightsUnavailable:
        roles = set()
        messages.warning(
            request,
            _("Vi får ikke sjekket rettighetene dine i Altinn akkurat nå. Prøv igjen om noen minutter."),
        )
    if not roles:
        raise PermissionDenied
    return onboarding, roles


def index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"onboardings": [], "startable": [], "start_form": StartForm()}
    if request.user.is_authenticated:
        context["is_operator"] = selectors.is_operator(request.user)
        if context["is_operator"]:
            context["onboardings"] = list(Onboarding.objects.select_related("municipality"))
        else:
            context["onboardings"] = list(
                Onboarding.objects.select_related("municipality")
                .filter(assignments__user=request.user, assignments__ended_at__isnull=True)
                .distinct()
            )
        try:
            signed_for = selectors.municipalities_signed_for(request.user)
        except selectors.RightsUnavailable:
            signed_for = []
            messages.warning(
                request,
                _("Vi får ikke sjekket rettighetene dine i Altinn akkurat nå. Prøv igjen om noen minutter."),
            )
        started = set(
            Onboarding.objects.filter(municipality_id__in=[k for k, _o, _n in signed_for]).values_list(
                "municipality_id", flat=True
            )
        )
        context["startable"] = [(k, name) for k, _orgnr, name in signed_for if k not in started]
        mine = {o.municipality_id for o in context["onboardings"]}
        context["onboardings"] += list(
            Onboarding.objects.select_related("municipality").filter(municipality_id__in=started - mine)
        )
    return render(request, "onboarding/index.html", context)


@logged_in
@require_http_methods(["GET", "POST"])
def operator_start(request: HttpRequest) -> HttpResponse:
    """An operator starts the path for a municipality; the kommunedirektør is invited from the page after."""
    if not selectors.is_operator(request.user):
        raise PermissionDenied(_("Bare en DigiSos-operatør kan starte en påkobling fra denne siden."))
    municipalities = selectors.not_started_municipalities()
    form = OperatorStartForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_onboarding(
                actor=request.user,
                kommunenummer=form.cleaned_data["kommunenummer"],
                organisation_number=form.cleaned_data["organisation_number"],
            )
        except services.OnboardingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Påkoblingen er startet."))
            return redirect("onboarding:detail", kommunenummer=form.cleaned_data["kommunenummer"])
    return render(
        request, "onboarding/operator_start.html", {"form": form}, status=400 if form.errors else 200
    )


@logged_in
@require_POST
def start(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["email"][0])
        return redirect("onboarding:index")
    try:
        services.start_onboarding(
            actor=request.user, kommunenummer=kommunenummer, email=form.cleaned_data["email"]
        )
    except services.OnboardingError as error:
        messages.error(request, error.message)
        return redirect("onboarding:index")
    return redirect("onboarding:detail", kommunenummer=kommunenummer)


@logged_in
def detail(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    onboarding, roles = _onboarding(request, kommunenummer)
    owner = selectors.stage_owner(onboarding)
    lines = selectors.checklist(onboarding)
    holders = {role: selectors.holders(onboarding, role) for role in Role.values}
    context = {
        "onboarding": onboarding,
        "roles": roles,
        "role_names": sorted(str(Role(r).label) for r in roles),
        "path": [(stage, Stage(stage).label, PATH.index(stage) < _position(onboarding)) for stage in PATH],
        "lines": [
            {
                "line": line,
                "owner": Role(line.item.owner).label,
                "holders": holders[line.item.owner],
                "mine": line.item.owner in roles,
            }
            for line in lines
        ],
        "owner": Role(owner).label if owner else "",
        "owner_holders": holders.get(owner, []) if owner else [],
        "may_complete": owner in roles and onboarding.stage in services.COMPLETERS,
        "people": [
            (Role(role).label, [(a, _may_end(request, a, role, roles)) for a in holders[role]])
            for role in Role.values
            if holders[role]
        ],
        "may_invite": any(role in roles or set(INVITERS[role]) & roles for role in INVITERS),
        "may_configure": Role.LOCAL_ADMINISTRATOR in roles and onboarding.stage != Stage.LEFT,
        "other_services": service_registry.registered(),
        "may_book": onboarding.stage == Stage.GO_LIVE
        and roles & {Role.NAV_OFFICE_LEADER, Role.KOMMUNEDIREKTOR},
        "may_approve": onboarding.stage == Stage.GO_LIVE
        and Role.OPERATOR in roles
        and onboarding.go_live_date
        and not onboarding.go_live_approved_at,
        "may_close": onboarding.stage == Stage.LIVE
        and roles & {Role.KOMMUNEDIREKTOR, Role.LOCAL_ADMINISTRATOR},
        "may_reopen": onboarding.stage == Stage.CLOSED
        and roles & {Role.KOMMUNEDIREKTOR, Role.LOCAL_ADMINISTRATOR},
        "may_leave": onboarding.stage in (Stage.LIVE, Stage.CLOSED) and Role.KOMMUNEDIREKTOR in roles,
        "status": digital_status(kommunenummer),
        "agreements": selectors.agreements(onboarding),
        "may_sign": onboarding.stage == Stage.AGREEMENTS and Role.KOMMUNEDIREKTOR in roles,
        "may_connect": onboarding.stage == Stage.INTEGRATION and Role.VENDOR in roles,
        "may_send_test": onboarding.stage == Stage.INTEGRATION and bool(roles & set(services.TEST_SENDERS)),
        "may_choose_inbox": onboarding.stage == Stage.INTEGRATION
        and roles & {Role.VENDOR, Role.LOCAL_ADMINISTRATOR},
        "baseline": selectors.baseline_for(kommunenummer),
        "may_record_baseline": _may_record_baseline(onboarding, roles),
    }
    return render(request, "onboarding/detail.html", context)


def _may_record_baseline(onboarding: Onboarding, roles: set[str]) -> bool:
    # Mirrors services.record_baseline: fixed at go-live, after which only an operator corrects it.
    if onboarding.stage in selectors.LIVE_STAGES:
        return Role.OPERATOR in roles
    return bool(roles & set(BASELINE_RECORDERS))


def _may_end(request: HttpRequest, assignment: Any, role: str, roles: set[str]) -> bool:
    # The kommunedirektør's row is a contact address; the right itself is Altinn's and ends there.
    if role == Role.KOMMUNEDIREKTOR:
        return False
    return assignment.user_id == request.user.pk or bool(set(INVITERS.get(role, ())) & roles)


def _position(onboarding: Onboarding) -> int:
    return PATH.index(onboarding.stage) if onboarding.stage in PATH else len(PATH)


ACTIONS: dict[str, Callable[..., Any]] = {
    "complete": lambda actor, onboarding: services.COMPLETERS[onboarding.stage](
        actor=actor, onboarding_id=onboarding.pk
    ),
    "approve": lambda actor, onboarding: services.approve_go_live(actor=actor, onboarding_id=onboarding.pk),
    "reopen": lambda actor, onboarding: services.reopen(actor=actor, onboarding_id=onboarding.pk),
    "leave": lambda actor, onboarding: services.leave(actor=actor, onboarding_id=onboarding.pk),
}
DONE = {  # lazy: translated in the language of the request that shows it
    "complete": gettext_lazy("Steget er fullført."),
    "approve": gettext_lazy("Oppstartsdatoen er godkjent."),
    "reopen": gettext_lazy("Mottaket er åpnet igjen."),
    "leave": gettext_lazy("Kommunen har avsluttet digital søknad."),
    "tick": gettext_lazy("Punktet er krysset av."),
    "end_role": gettext_lazy("Rollen er avsluttet."),
}


@logged_in
@require_POST
def act(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    onboarding, _roles = _onboarding(request, kommunenummer)
    action = request.POST.get("action", "")
    try:
        if action == "send_test":
            reference = services.send_test_application(actor=request.user, onboarding_id=onboarding.pk)
            messages.success(request, _("Testsøknaden %(reference)s er sendt.") % {"reference": reference})
            return redirect("onboarding:detail", kommunenummer=kommunenummer)
        if action == "send_test_ettersendelse":
            services.send_test_ettersendelse(actor=request.user, onboarding_id=onboarding.pk)
            messages.success(request, _("Ettersendelsen til testsøknaden er sendt."))
            return redirect("onboarding:detail", kommunenummer=kommunenummer)
        if action == "tick":
            services.tick(actor=request.user, onboarding_id=onboarding.pk, key=request.POST.get("key", ""))
        elif action == "end_role":
            assignment_id = request.POST.get("assignment", "")
            if not assignment_id.isdigit() or not onboarding.assignments.filter(pk=assignment_id).exists():
                raise Http404
            services.end_role(actor=request.user, assignment_id=int(assignment_id))
        elif action == "complete" and onboarding.stage not in services.COMPLETERS:
            raise services.WrongStage(_("Dette steget fullføres ikke her."))
        elif action in ACTIONS:
            ACTIONS[action](request.user, onboarding)
        else:
            raise Http404
    except services.OnboardingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, DONE[action])
    return redirect("onboarding:detail", kommunenummer=kommunenummer)


def _form_page(
    request: HttpRequest,
    kommunenummer: str,
    form_class: type[forms.Form],
    save: Callable[[Onboarding, dict[str, Any]], Any],
    *,
    title: str,
    button: str,
    done: str,
    initial: Callable[[Onboarding], dict[str, Any]] | None = None,
    intro: str = "",
) -> HttpResponse:
    onboarding, _roles = _onboarding(request, kommunenummer)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(onboarding, form.cleaned_data)
            except services.InvalidInput as error:
                form.add_error(None, error.message)
            except services.OnboardingError as error:
                messages.error(request, error.message)
                return redirect("onboarding:detail", kommunenummer=kommunenummer)
            else:
                messages.success(request, done)
                return redirect("onboarding:detail", kommunenummer=kommunenummer)
    else:
        form = form_class(initial=initial(onboarding) if initial else None)
    context = {"onboarding": onboarding, "form": form, "title": title, "button": button, "intro": intro}
    return render(request, "onboarding/form.html", context, status=400 if form.errors else 200)


@logged_in
def configure(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    def initial(onboarding: Onboarding) -> dict[str, Any]:
        configuration = selectors.configuration_of(onboarding)
        return {name: getattr(configuration, name) for name in CONFIGURATION_FIELDS} if configuration else {}

    return _form_page(
        request,
        kommunenummer,
        ConfigurationForm,
        lambda onboarding, data: services.save_configuration(
            actor=request.user, onboarding_id=onboarding.pk, **data
        ),
        title=_("Oppsett for digital søknad"),
        button=_("Lagre oppsettet"),
        done=_("Oppsettet er lagret. Innbyggerne ser endringene med en gang."),
        initial=initial,
    )


@logged_in
def connect(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    return _form_page(
        request,
        kommunenummer,
        ConnectForm,
        lambda onboarding, data: services.connect_case_system(
            actor=request.user, onboarding_id=onboarding.pk, **data
        ),
        title=_("Koble til fagsystemet"),
        button=_("Koble til"),
        done=_("Fagsystemet er koblet til. Det kan nå logge inn og hente søknader."),
    )


@logged_in
def choose_inbox(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    return _form_page(
        request,
        kommunenummer,
        InboxChoiceForm,
        lambda onboarding, data: services.choose_manual_inbox(
            actor=request.user, onboarding_id=onboarding.pk, **data
        ),
        title=_("Ta imot søknadene i innboksen"),
        button=_("Velg innboksen"),
        done=_("Søknadene kommer til innboksen i DigiSos."),
    )


@logged_in
def baseline(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    """The nullpunktsmåling: how applications were handled before digital søknad, recorded before go-live."""

    def initial(onboarding: Onboarding) -> dict[str, Any]:
        recorded = selectors.baseline_for(onboarding.municipality_id)
        return {name: getattr(recorded, name) for name in services.BASELINE_FIELDS} if recorded else {}

    return _form_page(
        request,
        kommunenummer,
        BaselineForm,
        lambda onboarding, data: services.record_baseline(
            actor=request.user, onboarding_id=onboarding.pk, **data
        ),
        title=_("Nullpunktsmåling før digital søknad"),
        button=_("Lagre nullpunktet"),
        done=_("Nullpunktet er lagret. Etter oppstart sammenlignes tallene med det."),
        initial=initial,
        intro=_(
            "Slik kommunen tar imot søknader i dag, før digital søknad. Etter oppstart viser statistikken "
            "hver måned mot disse tallene: færre papirsøknader å skanne, færre turer til Nav-kontoret og "
            "raskere vedtak. Tallene per måned er gjennomsnitt for måleperioden."
        ),
    )


@logged_in
def invite(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    return _form_page(
        request,
        kommunenummer,
        InvitationForm,
        lambda onboarding, data: services.invite(actor=request.user, onboarding_id=onboarding.pk, **data),
        title=_("Inviter en person til en rolle"),
        button=_("Send invitasjonen"),
        done=_("Invitasjonen er sendt på e-post."),
    )


@logged_in
def book(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    return _form_page(
        request,
        kommunenummer,
        GoLiveForm,
        lambda onboarding, data: services.request_go_live(
            actor=request.user, onboarding_id=onboarding.pk, **data
        ),
        title=_("Bestill dato for oppstart"),
        button=_("Bestill datoen"),
        done=_("Datoen er bestilt. En DigiSos-operatør godkjenner den."),
    )


@logged_in
def close(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    return _form_page(
        request,
        kommunenummer,
        ClosureForm,
        lambda onboarding, data: services.close_temporarily(
            actor=request.user, onboarding_id=onboarding.pk, **data
        ),
        title=_("Steng mottaket midlertidig"),
        button=_("Steng mottaket"),
        done=_("Mottaket er stengt. Innbyggerne får beskjed om å søke på papir eller ringe Nav."),
    )


@logged_in
def accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "onboarding/accept.html", {"token": token})
    try:
        assignment = services.accept_invitation(actor=request.user, token=token)
    except services.OnboardingError as error:
        return render(request, "onboarding/accept.html", {"token": token, "error": error.message}, status=400)
    messages.success(request, _("Du er nå %(role)s.") % {"role": assignment.get_role_display().lower()})
    return redirect("onboarding:detail", kommunenummer=assignment.onboarding.municipality_id)


MAX_AGREEMENT_BYTES = 10 * 1024 * 1024


@logged_in
def agreement_pdf(request: HttpRequest, kommunenummer: str, kind: str, variant: str) -> HttpResponse:
    """The agreement to read (utkast) or the signed copy (signert), whose signature the page shows verified."""
    onboarding, _roles = _onboarding(request, kommunenummer)
    if kind not in KINDS or variant not in ("utkast", "signert"):
        raise Http404
    if variant == "utkast":
        try:
            data = services.agreement_pdf(actor=request.user, onboarding_id=onboarding.pk, kind=kind)
        except services.OnboardingError as error:
            messages.error(request, error.message)
            return redirect("onboarding:detail", kommunenummer=kommunenummer)
    else:
        agreement = onboarding.agreements.filter(kind=kind, signed_pdf__isnull=False).first()
        if agreement is None:
            raise Http404
        data = bytes(agreement.signed_pdf)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{kind}-{kommunenummer}{'-signert' if variant == 'signert' else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@logged_in
@require_POST
def agreement_sign(request: HttpRequest, kommunenummer: str, kind: str) -> HttpResponse:
    onboarding, _roles = _onboarding(request, kommunenummer)
    upload = request.FILES.get("fil")
    try:
        if "last_opp" in request.POST:
            if upload is None:
                raise services.InvalidInput(_("Velg den signerte PDF-filen før du laster opp."))
            if upload.size > MAX_AGREEMENT_BYTES:
                raise services.InvalidInput(_("Filen er for stor. En signert avtale er sjelden over 10 MB."))
            services.upload_signed_agreement(
                actor=request.user, onboarding_id=onboarding.pk, kind=kind, data=upload.read()
            )
        else:
            services.sign_agreement(actor=request.user, onboarding_id=onboarding.pk, kind=kind)
    except services.OnboardingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Avtalen er signert, og signaturen er bekreftet."))
    return redirect("onboarding:detail", kommunenummer=kommunenummer)


def summary(request: HttpRequest) -> HttpResponse:
    """The public summary: how many municipalities are at each stage and how many inhabitants can apply."""
    board = selectors.national_board()
    context = {
        "board": board,
        "inhabitants": number_format(board.inhabitants_digital, force_grouping=True),
        **_over_time(),
    }
    return render(request, "onboarding/summary.html", context)


@logged_in
def board(request: HttpRequest) -> HttpResponse:
    """The operators' national board: every municipality's stage and the planned weekly batches."""
    if not selectors.is_operator(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            day = date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            messages.error(request, _("Velg en pulje å godkjenne."))
        else:
            count = services.approve_batch(actor=request.user, day=day)
            messages.success(request, _("Puljen er godkjent: %(count)s kommuner.") % {"count": count})
        return redirect("onboarding:board")
    board = selectors.national_board()
    context = {
        "board": board,
        "inhabitants": number_format(board.inhabitants_digital, force_grouping=True),
        "batches": selectors.planned_batches(timezone.localdate()),
        **_over_time(),
    }
    return render(request, "onboarding/board.html", context)


def _over_time() -> dict[str, Any]:
    stages = [(stage, label) for stage, label in Stage.choices]
    rows = selectors.stages_over_time(timezone.localdate())
    return {
        "over_time_stages": stages,
        "over_time": [(end, [counts.get(stage, 0) for stage, _label in stages]) for end, counts in rows],
    }


def _registered_service(
    request: HttpRequest, kommunenummer: str, key: str
) -> tuple[Onboarding, service_registry.MunicipalService]:
    """The onboarding and the registered service; only the local administrator configures it (403)."""
    onboarding, roles = _onboarding(request, kommunenummer)
    found = service_registry.service(key)
    if found is None:
        raise Http404
    if Role.LOCAL_ADMINISTRATOR not in roles:
        raise PermissionDenied
    return onboarding, found


@logged_in
def other_service(request: HttpRequest, kommunenummer: str, key: str) -> HttpResponse:
    """A service another app registered: its units (offices) with whether each is on, and a link to each."""
    onboarding, found = _registered_service(request, kommunenummer, key)
    context = {
        "onboarding": onboarding,
        "service": found,
        "units": found.units(kommunenummer),
        # Flags, not the callables: a template would call them.
        "can_add": found.add is not None,
        "can_remove": found.remove is not None,
    }
    return render(request, "onboarding/service.html", context)


@logged_in
def service_unit_add(request: HttpRequest, kommunenummer: str, key: str) -> HttpResponse:
    """A new unit (a district's office) in the service's own form, through its own (audited) write; then to
    the new unit's settings."""
    onboarding, found = _registered_service(request, kommunenummer, key)
    if found.add is None or found.add_form_class is None:
        raise Http404
    form = found.add_form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = found.add(request.user, kommunenummer, form.cleaned_data)  # type: ignore[arg-type]
        except service_registry.ServiceRefused as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Enheten er lagt til. Fyll inn innstillingene og slå den på."))
            return redirect("onboarding:service-unit", kommunenummer=kommunenummer, key=key, unit=unit)
    context = {
        "onboarding": onboarding,
        "form": form,
        "title": found.name,
        "button": _("Legg til"),
        "back": ("onboarding:service", key),
    }
    return render(request, "onboarding/form.html", context, status=400 if form.errors else 200)


@logged_in
@require_POST
def service_unit_remove(request: HttpRequest, kommunenummer: str, key: str, unit: str) -> HttpResponse:
    """Removes a unit through the service's own write; a refusal (it has received reports, say) is shown."""
    _onboarding_row, found = _registered_service(request, kommunenummer, key)
    if found.remove is None:
        raise Http404
    try:
        found.remove(request.user, kommunenummer, unit)  # type: ignore[arg-type]
    except service_registry.ServiceRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Enheten er fjernet."))
    return redirect("onboarding:service", kommunenummer=kommunenummer, key=key)


@logged_in
def service_unit(request: HttpRequest, kommunenummer: str, key: str, unit: str) -> HttpResponse:
    """One unit's settings in the service's own form, saved through the service's own (audited) write; a
    refusal is shown on the field it names."""
    onboarding, found = _registered_service(request, kommunenummer, key)
    initial = found.initial(kommunenummer, unit)
    if initial is None:
        raise Http404
    if request.method == "POST":
        form = found.form_class(request.POST)
        if form.is_valid():
            try:
                found.save(request.user, kommunenummer, unit, form.cleaned_data)  # type: ignore[arg-type]
            except service_registry.ServiceRefused as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Innstillingene er lagret."))
                return redirect("onboarding:service", kommunenummer=kommunenummer, key=key)
    else:
        form = found.form_class(initial=initial)
    context = {
        "onboarding": onboarding,
        "form": form,
        "title": found.name,
        "button": _("Lagre innstillingene"),
        "back": ("onboarding:service", key),
    }
    return render(request, "onboarding/form.html", context, status=400 if form.errors else 200)
