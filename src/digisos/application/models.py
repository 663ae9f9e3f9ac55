import uuid

from django.conf import settings
from django.db import models

from digisos.documents.models import Document, Folder


class Application(models.Model):
    """One søknad: a draft while the person fills it in, then a sent application ready for delivery.

    Answers and the register data fetched at the start are kept as JSON per step (NAV's file format is the
    contract, not our tables); `soknad_json`/`vedlegg_json` are frozen at send.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Påbegynt"
        READY = "ready", "Sendt, klar til levering"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # navEksternRefId
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # "kort" for a person with recent help from the same municipality (decided when the address is known).
    variant = models.CharField(
        max_length=10, choices=[("standard", "Standard"), ("kort", "Kort")], default="standard"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The step (slug) where the person last pressed "Lagre og fortsett senere" or uploaded a document, if their
    # last save was one of those ("" otherwise): "Fortsett der du slapp" opens it (steps.resume_at). A column
    # default too: the bench's scale seeding inserts rows with SQL of its own.
    paused_step = models.CharField(max_length=40, blank=True, default="", db_default="")
    updated_at = models.DateTimeField(auto_now=True)
    answers = models.JSONField(default=dict)
    registers = models.JSONField(default=dict)
    folder = models.OneToOneField(Folder, on_delete=models.PROTECT, related_name="application")
    # The receiver, decided by the address chosen in step 1.
    # NULL until an address is chosen; the column keeps its name (kommunenummer).
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="kommunenummer",
        db_index=False,  # nothing lists applications by municipality (cases and deliveries carry it)
        related_name="applications",
    )
    enhetsnummer = models.CharField(max_length=8, blank=True, default="")
    office_name = models.CharField(max_length=200, blank=True, default="")
    # At send.
    sent_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=20, blank=True, default="", db_index=True)
    soknad_json = models.JSONField(null=True, blank=True)
    vedlegg_json = models.JSONField(null=True, blank=True)
    pdf = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.reference or self.id}"

    @property
    def is_short(self) -> bool:
        return self.variant == "kort"


class RequirementDocument(models.Model):
    """Which uploaded document answers which documentation requirement (type|tilleggsinfo)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="requirement_documents"
    )
    requirement = models.CharField(max_length=100)
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="requirement")

    class Meta:
        indexes = [models.Index(fields=["application", "requirement"])]

    def __str__(self) -> str:
        return self.requirement
