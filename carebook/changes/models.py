from django.db import models
from django.utils import timezone


class ChangeKind(models.TextChoices):
    NEW = "new", "New procedure"
    UPDATED = "updated", "Updated"
    NATIONAL_UPDATE = "national_update", "National update"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ChangeNote(models.Model):
    """A change that readers need to know about, written by the publishing service.

    One is written on every significant publish, every accepted national update and every
    withdrawal; minor changes are versioned but not announced. What's new and feeds read these.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="change_notes"
    )
    manual = models.ForeignKey(
        "manuals.Manual", on_delete=models.CASCADE, related_name="change_notes"
    )
    procedure = models.ForeignKey(
        "manuals.Procedure", on_delete=models.CASCADE, related_name="change_notes"
    )
    procedure_title = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    amendment_note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    local_version = models.ForeignKey(
        "manuals.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    national_version = models.ForeignKey(
        "manuals.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["manual", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.procedure_title}"
