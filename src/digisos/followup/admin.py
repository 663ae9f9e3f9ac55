from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from digisos.accounts.models import User
from digisos.core.admin import mask_identity_number

from .models import AccessDecision, NksAgreement, ProtectedAccessGrant


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


class ProtectedAccessGrantForm(forms.ModelForm):
    granted_by: User | None = None  # set by the admin: who is granting

    class Meta:
        model = ProtectedAccessGrant
        fields = ["user", "level", "reason"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = User.objects.filter(kind=User.Kind.EMPLOYEE)

    def clean(self) -> dict:
        data = super().clean()
        user, level = data.get("user"), data.get("level")
        if user is not None and self.granted_by is not None and user.pk == self.granted_by.pk:
            raise ValidationError(
                _("Du kan ikke gi deg selv særskilt tilgang. Be en annen administrator om det.")
            )
        if (
            user
            and level
            and ProtectedAccessGrant.objects.filter(
                user=user, level=level, withdrawn_at__isnull=True
            ).exists()
        ):
            raise ValidationError(
                _("Den ansatte har allerede denne tilgangen. Trekk den tilbake før du gir en ny.")
            )
        return data


@admin.register(ProtectedAccessGrant)
class ProtectedAccessGrantAdmin(admin.ModelAdmin):
    """Operators grant a special authorisation (add) and withdraw it (the action); nothing is edited or deleted,
    so the history stays. Each grant and withdrawal goes through followup.services and is audited."""

    form = ProtectedAccessGrantForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.granted_by = request.user  # the form refuses a grant to oneself (four eyes)
        return form

    list_display = ["user", "level", "granted_at", "granted_by", "withdrawn_at", "withdrawn_by"]
    list_filter = ["level", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    actions = ["withdraw"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        if obj is None:
            return []
        return ["user", "level", "reason", "granted_at", "granted_by", "withdrawn_at", "withdrawn_by"]

    def get_fields(self, request, obj=None) -> list[str]:
        return ["user", "level", "reason"] if obj is None else self.get_readonly_fields(request, obj)

    def save_model(self, request, obj: ProtectedAccessGrant, form, change: bool) -> None:
        if change:  # every field is read-only once granted
            return
        # Imported here: the admin is loaded at every start-up, the services (registers, audit) only when used.
        from .services import grant_protected_access

        grant = grant_protected_access(obj.user, obj.level, by=request.user, reason=obj.reason)
        obj.pk, obj.granted_at, obj.granted_by = grant.pk, grant.granted_at, grant.granted_by

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Trekk tilbake valgte tilganger"), permissions=["change"])
    def withdraw(self, request, queryset: QuerySet[ProtectedAccessGrant]) -> None:
        from .services import withdraw_protected_access

        count = sum(withdraw_protected_access(grant, by=request.user) for grant in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d tilgang er trukket tilbake.", "%(count)d tilganger er trukket tilbake.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
