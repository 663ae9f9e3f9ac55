from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiClient, Case, Delivery, Receiver
from .selectors import collect_deadline, overdue_deliveries


class OverdueFilter(admin.SimpleListFilter):
    title = _("henting")
    parameter_name = "forsinket"

    def lookups(self, request, model_admin):
        return [("ja", _("Ikke hentet innen 2 virkedager"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(pk__in=[d.pk for d in overdue_deliveries()])
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The operators' page for deliveries: what is waiting, failing, or not collected in time."""

    list_display = [
        "public_id",
        "kind",
        "kommunenummer",
        "channel",
        "status",
        "attempts",
        "created_at",
        "available_at",
        "overdue",
        "last_error",
    ]
    list_filter = [OverdueFilter, "status", "kind", "channel", "kommunenummer"]
    search_fields = ["public_id", "nav_ekstern_ref_id", "kommunenummer"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    ordering = ["-id"]

    @admin.display(boolean=True, description=_("forsinket"))
    def overdue(self, delivery: Delivery) -> bool:
        return (
            delivery.status == Delivery.Status.AVAILABLE
            and delivery.available_at is not None
            and collect_deadline(delivery.available_at) <= timezone.now()
        )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Receiver)
class ReceiverAdmin(admin.ModelAdmin):
    list_display = ["kommunenummer", "channel", "inbox_email", "inbox_notified_at"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "client_id", "kommunenummer", "scopes", "active"]
    readonly_fields = ["user", "created_at"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "kommunenummer", "created_at", "soker_updated_at"]
    # The case itself (the applicant, the events) is not an operator's business; only its shape is.
    fields = [
        "id",
        "kommunenummer",
        "enhetsnummer",
        "created_at",
        "soker_updated_at",
        "soker_latest_event_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False
