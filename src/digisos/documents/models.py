import uuid

from django.conf import settings
from django.db import models


class Folder(models.Model):
    """A set of uploads that travel together: one draft application, one ettersendelse, or the demo page.

    Limits (number of files, total size) apply per folder. Other apps point at a folder; a folder nothing
    points at any more (its draft was deleted) is an orphan, removed by the retention job.
    """

    class Kind(models.TextChoices):
        DEMO = "demo", "Prøv opplasting"
        APPLICATION = "application", "Søknad"
        ETTERSENDELSE = "ettersendelse", "Ettersendelse"
        CONCERN = "concern", "Bekymringsmelding"
        # Letters a municipality's case system sends the applicant (vedtak, requests, foreløpig svar).
        LETTERS = "letters", "Brev fra kommunen"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_folders"
    )
    # The receiving municipality, set when the folder's application is sent. Its case workers may then read it.
    # NULL until then; the column keeps its name (kommunenummer).
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="kommunenummer",
        db_index=False,  # read per folder, never listed by municipality
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Folders that no other record holds (the demo page's) carry their own end date.
    expires_at = models.DateTimeField(null=True, blank=True)
    # When the application or ettersendelse was sent: from then on nobody adds or deletes (permissions.py).
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "kind"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id}"


class Document(models.Model):
    """One accepted upload, stored as an encrypted PDF. The original file is not kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the user called it (cleaned of path parts and control characters) and the name case systems get.
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80)
    # The type detected from the uploaded bytes; the stored file is always application/pdf.
    original_content_type = models.CharField(max_length=100)
    original_size = models.PositiveBigIntegerField()
    original_sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha512 = models.CharField(max_length=128)
    page_count = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=200, unique=True)
    key_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The same file twice in one folder is a double click or a mistake, never two documents.
            models.UniqueConstraint(fields=["folder", "original_sha256"], name="document_once_per_folder"),
        ]

    def __str__(self) -> str:
        return self.original_name
