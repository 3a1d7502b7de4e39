"""Frameworks as data: what organisations rate themselves against.

A `Framework` is known by its `ref`; each file loaded for it is a `FrameworkVersion`, identified
by (framework, version) and holding its own scale, sections and items. Audits (later) point at a
framework version, never at a framework, so a new version never changes an audit that started
on an older one; carrying an audit forward to a new version matches items by `ref`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

# Generous limits for the short identifiers; a longer value is refused by the loader with a
# message, rather than left for the database to reject.
REF_LENGTH = 100
LABEL_LENGTH = 200


class ScaleColour(models.TextChoices):
    RED = "red", "Red"
    ORANGE = "orange", "Orange"
    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    GREY = "grey", "Grey"


class Framework(models.Model):
    """A set of recommendations or standards, across all its versions."""

    ref = models.CharField(max_length=REF_LENGTH, unique=True)
    # The name of the most recently loaded version, for listings.
    name = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "ref"]

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(models.Model):
    """One loaded file: immutable once an audit uses it (see `services.load_framework`)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=REF_LENGTH)
    name = models.TextField()
    description = models.TextField(blank=True)
    publisher = models.TextField(blank=True)
    source_title = models.TextField(blank=True)
    source_year = models.IntegerField(null=True, blank=True)
    source_url = models.TextField(blank=True)
    licence = models.TextField(blank=True)
    allow_not_applicable = models.BooleanField(default=True)
    # The parsed file, and a digest of it: loading the same data again changes nothing.
    document = models.JSONField()
    content_digest = models.CharField(max_length=64)
    source_name = models.TextField(blank=True, help_text="The file it was loaded from.")
    loaded_at = models.DateTimeField(default=timezone.now, db_index=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["framework", "-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="audits_unique_framework_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def ref(self) -> str:
        return self.framework.ref


class ScaleLevel(models.Model):
    """A level of a framework version's rating scale, ordered low to high by `value`."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="scale_levels"
    )
    value = models.IntegerField()
    label = models.CharField(max_length=LABEL_LENGTH)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=10, choices=ScaleColour.choices, blank=True)

    class Meta:
        ordering = ["framework_version", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "value"], name="audits_unique_scale_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.label}"


class Section(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="sections"
    )
    ref = models.CharField(max_length=REF_LENGTH)
    name = models.TextField()
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework_version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "ref"], name="audits_unique_section_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"


class Item(models.Model):
    """A recommendation or standard. `ref` is unique in its framework version, and is what
    matches an item across versions when an audit is carried forward."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="items"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    ref = models.CharField(max_length=REF_LENGTH)
    statement = models.TextField()
    assessable = models.BooleanField(default=True)
    guidance = models.TextField(blank=True)
    evidence_prompts = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # Order within the whole framework version, so that items sort without their section.
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework_version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "ref"], name="audits_unique_item_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.statement[:60]}"


class LevelDescriptor(models.Model):
    """What one level of the scale means for one item (shown as the hint of that rating)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="level_descriptors")
    level = models.ForeignKey(ScaleLevel, on_delete=models.CASCADE, related_name="+")
    description = models.TextField()

    class Meta:
        ordering = ["item", "level__value"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="audits_unique_descriptor")
        ]

    def __str__(self) -> str:
        return f"{self.item.ref} at {self.level.value}"
