from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

MASKED_DIGITS = 5


def mask_identity_number(pid: str) -> str:
    """The birth-date part and asterisks: enough for an operator to tell entries apart, not to know the
    person. The whole number stays in the database for the person's own access request."""
    if not pid:
        return ""
    return pid[: len(pid) - MASKED_DIGITS] + "*" * MASKED_DIGITS


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "subject"]
    list_filter = ["action", "object_type"]
    # Never subject_pid: a search's words go in the URL, and a fødselsnummer never does.
    search_fields = ["actor", "object_id"]
    fields = [
        "at",
        "actor",
        "actor_id",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "subject",
        "request_id",
    ]
    readonly_fields = fields

    @admin.display(description=_("person"))
    def subject(self, entry: AuditEntry) -> str:
        return mask_identity_number(entry.subject_pid)

    def has_add_permission(self, request) -> bool:  # the log is append-only, written by services
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
