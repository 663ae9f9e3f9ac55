from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .delivery_kinds import known_scopes
from .models import CLIENT_FIELDS, RECEIVER_FIELDS, ApiClient, Case, Delivery, Receiver


class OverdueFilter(admin.SimpleListFilter):
    title = _("henting")
    parameter_name = "forsinket"

    def lookups(self, request, model_admin):
        return [("ja", _("Ikke hentet innen 2 virkedager"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            from .selectors import overdue_deliveries  # the event-format code loads on use, not at start-up

            return queryset.filter(pk__in=[d.pk for d in overdue_deliveries()])
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The operators' page for deliveries: what is waiting, failing, or not collected in time."""

    list_display = [
        "public_id",
        "kind",
        "municipality",
        "channel",
        "status",
        "attempts",
        "created_at",
        "available_at",
        "overdue",
        "last_error",
    ]
    list_select_related = ["municipality"]
    list_filter = [
        OverdueFilter,
        "status",
        "kind",
        "channel",
        ("municipality", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["public_id", "nav_ekstern_ref_id", "=municipality__kommunenummer"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    ordering = ["-id"]

    @admin.display(boolean=True, description=_("forsinket"))
    def overdue(self, delivery: Delivery) -> bool:
        from .selectors import collect_deadline  # loaded on use, not when Django starts

        return (
            delivery.status == Delivery.Status.AVAILABLE
            and delivery.available_at is not None
            and collect_deadline(delivery.available_at) <= timezone.now()
        )

    def has_add_permission(self, request) -> bool:
        return False


class ReceiverForm(forms.ModelForm):
    class Meta:
        model = Receiver
        fields = ["municipality", "channel", "certificate_pem", "inbox_email"]

    def clean_certificate_pem(self) -> str:
        from .keys import UnreadableKey, certificate_fingerprint  # cryptography: not at start-up

        pem = self.cleaned_data["certificate_pem"].replace("\r\n", "\n").strip()
        try:
            certificate_fingerprint(pem)
        except UnreadableKey:
            raise forms.ValidationError(
                _(
                    "Sertifikatet kan ikke leses. Lim inn kommunens X.509-sertifikat i PEM-format, fra "
                    "-----BEGIN CERTIFICATE----- til -----END CERTIFICATE-----."
                )
            ) from None
        return pem + "\n" if pem else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("channel") == Receiver.Channel.API and cleaned.get("certificate_pem") == "":
            self.add_error(
                "certificate_pem",
                _(
                    "Et fagsystem (API) trenger et sertifikat å kryptere leveransene til. Lim inn kommunens sertifikat."
                ),
            )
        return cleaned


@admin.register(Receiver)
class ReceiverAdmin(admin.ModelAdmin):
    list_display = ["municipality", "channel", "inbox_email", "inbox_notified_at"]
    list_select_related = ["municipality"]
    form = ReceiverForm

    def get_readonly_fields(self, request: HttpRequest, obj: Receiver | None = None) -> list[str]:
        # The municipality is the row's key: changing it in the form would copy the row, not move it.
        return ["municipality", "inbox_notified_at"] if obj else ["inbox_notified_at"]

    def save_model(self, request: HttpRequest, obj: Receiver, form: ReceiverForm, change: bool) -> None:
        # Loaded when an operator saves, not when Django starts (bench/startup.py).
        from .services import clients

        # Through the services, so every change is audited with before and after (certificate fingerprints).
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in RECEIVER_FIELDS}
            clients.change_receiver(actor=request.user, receiver=obj, **changes)
        else:
            clients.register_receiver(
                actor=request.user,
                kommunenummer=form.cleaned_data["municipality"].pk,
                **{name: form.cleaned_data[name] for name in RECEIVER_FIELDS},
            )
        obj._state.adding = False


# The services name the municipality by its number (municipality_id); the form offers the municipality.
CLIENT_FORM_FIELD = {"municipality_id": "municipality"}


def _client_values(form: "ApiClientForm") -> dict[str, Any]:
    """The form's values under the names the services take."""
    values = {name: form.cleaned_data[CLIENT_FORM_FIELD.get(name, name)] for name in CLIENT_FIELDS}
    values["municipality_id"] = values["municipality_id"].pk
    return values


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = [CLIENT_FORM_FIELD.get(name, name) for name in CLIENT_FIELDS]

    def clean_public_key_pem(self) -> str:
        from .keys import UnreadableKey, public_key_fingerprint  # cryptography: not at start-up

        pem = self.cleaned_data["public_key_pem"].replace("\r\n", "\n").strip()
        try:
            public_key_fingerprint(pem)
        except UnreadableKey:
            raise forms.ValidationError(
                _(
                    "Den offentlige nøkkelen kan ikke leses. Lim inn fagsystemets offentlige RSA- eller EC-nøkkel "
                    "i PEM-format, fra -----BEGIN PUBLIC KEY----- til -----END PUBLIC KEY-----."
                )
            ) from None
        return pem + "\n"

    def clean_scopes(self) -> str:
        scopes = self.cleaned_data["scopes"].split()
        # The exchange's own and every registered kind's (a child-welfare case system's, too).
        known = known_scopes()
        unknown = [scope for scope in scopes if scope not in known]
        if unknown or not scopes:
            raise forms.ValidationError(
                _("Skriv tilgangene med mellomrom mellom, blant disse: %(known)s.")
                % {"known": " ".join(known)}
            )
        return " ".join(scopes)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "client_id", "municipality", "scopes", "active"]
    list_select_related = ["municipality"]
    readonly_fields = ["user", "created_at"]
    form = ApiClientForm

    def save_model(self, request: HttpRequest, obj: ApiClient, form: ApiClientForm, change: bool) -> None:
        # Loaded when an operator saves, not when Django starts (bench/startup.py).
        from .services import clients

        # Through the services, so every change is audited with before and after (key fingerprints); a new
        # client gets its service user there.
        if change:
            values = _client_values(form)
            changed = {CLIENT_FORM_FIELD.get(name, name) for name in CLIENT_FIELDS} & set(form.changed_data)
            changes = {
                name: value for name, value in values.items() if CLIENT_FORM_FIELD.get(name, name) in changed
            }
            clients.change_client(actor=request.user, client=obj, **changes)
        else:
            values = _client_values(form)
            values["kommunenummer"] = values.pop("municipality_id")
            created = clients.register_client(actor=request.user, **values)
            obj.pk, obj.user_id = created.pk, created.user_id
            obj._state.adding = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "municipality", "created_at", "soker_updated_at"]
    list_select_related = ["municipality"]
    # The case itself (the applicant, the events) is not an operator's business; only its shape is.
    fields = [
        "id",
        "municipality",
        "office",
        "created_at",
        "soker_updated_at",
        "soker_latest_event_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False
