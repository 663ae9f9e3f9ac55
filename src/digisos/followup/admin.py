from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from digisos.core.admin import mask_identity_number

from .models import AccessDecision, NksAgreement


@admin.register(AccessDecision)
class AccessDecisionAdmin(admin.ModelAdmin):
    """Read-only, with the person masked; the whole number is for the person's own access request."""

    list_display = ["at", "actor_ident", "actor_role", "outcome", "reason", "purpose", "data_kind", "subject"]
    list_filter = ["outcome", "reason", "actor_role"]
    search_fields = ["actor_ident"]  # never subject_pid: a search's words go in the URL
    fields = [
        "at",
        "actor_ident",
        "actor_role",
        "actor_kommunenummer",
        "actor_enhetsnummer",
        "subject",
        "purpose",
        "data_kind",
        "flow",
        "outcome",
        "reason",
        "request_id",
    ]
    readonly_fields = fields

    @admin.display(description=_("person"))
    def subject(self, decision: AccessDecision) -> str:
        return mask_identity_number(decision.subject_pid)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NksAgreement)
class NksAgreementAdmin(admin.ModelAdmin):
    list_display = ["municipality", "active", "updated_at"]
    list_filter = ["active"]
    autocomplete_fields = ["municipality"]
