from django.contrib import admin
from django.http import HttpRequest

from .models import Municipality, NavOffice, ServiceConfiguration


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data comes from the data files (load_municipalities), never from hand edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ("kommunenummer", "name", "county", "active")
    list_select_related = ("county",)
    search_fields = ("kommunenummer", "name", "official_name")
    list_filter = ("active", "county")


@admin.register(NavOffice)
class NavOfficeAdmin(ReadOnlyAdmin):
    list_display = ("enhetsnummer", "name", "active")
    search_fields = ("enhetsnummer", "name")


@admin.register(ServiceConfiguration)
class ServiceConfigurationAdmin(admin.ModelAdmin):
    list_display = (
        "municipality",
        "can_receive_applications",
        "can_update_status",
        "receiving_temporarily_disabled",
        "updates_temporarily_disabled",
        "updated_at",
    )
    list_select_related = ("municipality",)
    list_filter = (
        "can_receive_applications",
        "can_update_status",
        "receiving_temporarily_disabled",
        "updates_temporarily_disabled",
    )
    search_fields = ("municipality__kommunenummer", "municipality__name")
    readonly_fields = ("municipality", "updated_at")
    fields = ("municipality", *ServiceConfiguration.FLAG_FIELDS, "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ServiceConfiguration, form, change: bool) -> None:
        from .services import update_service_configuration  # loaded on save, not when Django starts

        # Through the service, so every change is audited with before and after.
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in obj.FLAG_FIELDS}
        update_service_configuration(actor=request.user, configuration=obj, **changes)
