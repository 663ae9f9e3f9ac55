import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digisos.exchange.models import Case


class Notification(models.Model):
    """One thing the applicant was told about (a letter, a request, a decision, a deadline soon).

    `key` names the thing (case, kind and the event's own reference), so posting the same events again can
    never notify twice. Rows notified together share a `message_id`: one SMS and one e-mail per round.
    """

    class Kind(models.TextChoices):
        REQUEST = "request", _("Forespørsel om dokumenter")
        DECISION = "decision", _("Vedtak")
        LETTER = "letter", _("Brev")
        DEADLINE = "deadline", _("Frist snart")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    message_id = models.UUIDField(null=True, blank=True)
    sms_sent = models.BooleanField(default=False)
    email_sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return self.key
