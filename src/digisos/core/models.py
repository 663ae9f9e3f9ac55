from django.db import models


class AuditEntry(models.Model):
    """Who did what to which object, and what it looked like before and after.

    Append-only: written by `digisos.core.services.record_audit`, never updated. This is the one place
    a fødselsnummer may be written (as `subject_pid`), when an employee reads another person's data.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=200, help_text="Who: the user's username, or 'system'.")
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    subject_pid = models.CharField(max_length=11, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = "revisjonslogg-innslag"
        verbose_name_plural = "revisjonslogg"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}:{self.object_id}"


class PeriodicRun(models.Model):
    """When each periodic job (settings.PERIODIC_TASKS) was last enqueued. A row lock makes sure two
    scheduler processes never enqueue the same run twice."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
