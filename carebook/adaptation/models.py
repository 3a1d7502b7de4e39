"""Subscriptions of local manuals to a national base manual, and the pins of derived procedures.

A derived procedure holds no copy of national text. It shows the national `ProcedureVersion`
it is pinned to, merged with its own local amendments. Pins have their own history here,
outside Wagtail revisions, so that moving a pin never touches an editor's draft and an old
draft can never move a pin back.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Subscription(models.Model):
    """A local manual that follows a publisher's base manual, whole or by chapters."""

    manual = models.OneToOneField(
        "manuals.Manual", on_delete=models.CASCADE, related_name="subscription"
    )
    base = models.ForeignKey("manuals.Manual", on_delete=models.PROTECT, related_name="followers")
    whole_manual = models.BooleanField(
        default=True, help_text="Follow every chapter, including chapters the publisher adds."
    )
    chapters = models.ManyToManyField(
        "manuals.Chapter",
        blank=True,
        related_name="+",
        help_text="The national chapters followed, when not the whole manual.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.manual} follows {self.base}"

    def follows_chapter(self, chapter_id: int) -> bool:
        return self.whole_manual or self.chapters.filter(pk=chapter_id).exists()


class PinReason(models.TextChoices):
    SUBSCRIBED = "subscribed", "Subscribed"
    AUTOMATIC = "automatic", "National update applied automatically"
    MINOR = "minor", "Minor national correction"
    ACCEPTED = "accepted", "National update accepted by an editor"


class Pin(models.Model):
    """Which national version a derived procedure showed, and when. The open row is current."""

    procedure = models.ForeignKey(
        "manuals.Procedure", on_delete=models.CASCADE, related_name="pins"
    )
    national_version = models.ForeignKey(
        "manuals.ProcedureVersion", on_delete=models.PROTECT, related_name="pins"
    )
    live_from = models.DateTimeField(default=timezone.now)
    live_until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=12, choices=PinReason.choices)
    # The local version written when the pin moved (what readers saw from `live_from`).
    local_version = models.ForeignKey(
        "manuals.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["procedure", "live_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(live_until__isnull=True),
                name="one_current_pin_per_procedure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} pinned to {self.national_version_id}"
