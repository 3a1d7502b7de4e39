"""The cache of whole-manual PDFs: one row per manual and fingerprint of what it would show."""

from django.db import models
from django.utils import timezone


class ManualPdfStatus(models.TextChoices):
    BUILDING = "building", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ManualPdf(models.Model):
    """A whole-manual PDF, built in the background and kept until the manual changes.

    The unique (manual, fingerprint) pair is what stops two requests from building the same
    file twice: the first one creates the row in status "building" and enqueues the task; the
    others find the row and wait. The file itself lives under CAREBOOK_PRIVATE_ROOT and is only
    ever handed out by the manual's pdf/ route, which applies the staff-only rules.
    """

    manual = models.ForeignKey("manuals.Manual", on_delete=models.CASCADE, related_name="pdfs")
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=ManualPdfStatus.choices, default=ManualPdfStatus.BUILDING
    )
    # Relative to settings.CAREBOOK_PRIVATE_ROOT.
    file_path = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    # What went wrong, for administrators; readers see a plain message, never this.
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        app_label = "manuals"
        verbose_name = "manual PDF"
        constraints = [
            models.UniqueConstraint(
                fields=["manual", "fingerprint"], name="unique_manual_pdf_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manual} PDF ({self.status})"
