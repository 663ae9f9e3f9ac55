from django.contrib import admin

from .models import ChildWelfareOffice, ChildWelfareStaff


# Operators configure the offices (KS's bydel configuration). Reports are never in the admin: their content
# is for the municipality's child-welfare staff alone.
@admin.register(ChildWelfareOffice)
class ChildWelfareOfficeAdmin(admin.ModelAdmin):
    list_display = ("municipality", "bydelsnummer", "bydelsnavn", "standard_receiver", "channel", "active")
    list_filter = ("active", "channel", "standard_receiver")
    search_fields = ("municipality__kommunenummer", "municipality__name", "bydelsnavn")
    autocomplete_fields = ("municipality",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a report points to its office; deactivate instead


@admin.register(ChildWelfareStaff)
class ChildWelfareStaffAdmin(admin.ModelAdmin):
    list_display = ("username", "office")
    search_fields = ("username", "office__bydelsnavn", "office__municipality__name")
    list_select_related = ("office",)
