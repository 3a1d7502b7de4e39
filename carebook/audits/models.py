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


# Audit cycles and returns ------------------------------------------------------------------


class AuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    MODERATION = "moderation", "Moderation"
    REPORT_PUBLISHED = "report_published", "Report published"
    CLOSED = "closed", "Closed"


class Audit(models.Model):
    """One cycle of self-audit run by a lead organisation on one framework version.

    Pointing at a framework version makes that version "in use", and so immutable
    (`selectors.framework_version_in_use`); PROTECT keeps it from being deleted under the audit.
    """

    lead_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="led_audits"
    )
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="audits"
    )
    title = models.CharField(max_length=LABEL_LENGTH)
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=AuditStatus.choices, default=AuditStatus.DRAFT)
    # The cycle this one was carried forward from: answers and evidence by item ref, and later
    # the cycle-to-cycle comparison.
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycles"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]

    def __str__(self) -> str:
        return self.title


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    IN_PROGRESS = "in_progress", "In progress"
    READY_FOR_SIGN_OFF = "ready_for_sign_off", "Ready for sign-off"
    SUBMITTED = "submitted", "Submitted"


class Participant(models.Model):
    """An organisation taking part in an audit; its answers are its return."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="audit_returns"
    )
    status = models.CharField(
        max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.INVITED
    )
    invited_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the senior lead last sent the return back; cleared when it is marked ready again.
    sent_back_reason = models.TextField(blank=True)
    sent_back_at = models.DateTimeField(null=True, blank=True)
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The lead's message when it last returned a submitted return for changes (kept, and shown
    # to the participant, until the return is submitted again).
    returned_message = models.TextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["audit", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "organisation"], name="audits_one_return_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.audit}"


class Response(models.Model):
    """A participant's answer to one item: a self rating (or not applicable, with a reason),
    narrative, evidence and sufficiency.

    `version` goes up by one on every save: a save made from an older version is refused
    (`services.save_response`), so that two people editing at once never overwrite each other.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="responses")
    rating = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_applicable = models.BooleanField(default=False)
    not_applicable_reason = models.TextField(blank=True)
    narrative = models.TextField(blank=True)
    sufficiency = models.TextField(blank=True, help_text="How do we know?")
    # Copied from the previous cycle and not yet confirmed or changed by the participant.
    carried_forward = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["participant", "item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "item"], name="audits_one_response_per_item"
            ),
            models.CheckConstraint(
                condition=~(models.Q(not_applicable=True) & models.Q(rating__isnull=False)),
                name="audits_response_rating_or_not_applicable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.organisation} on {self.item.ref}"

    @property
    def is_answered(self) -> bool:
        """Rated or not applicable, and confirmed in this cycle."""
        return (self.rating_id is not None or self.not_applicable) and not self.carried_forward


class EvidenceKind(models.TextChoices):
    PROCEDURE = "procedure", "Procedure"
    LINK = "link", "Web address"
    FILE = "file", "File"


class Evidence(models.Model):
    """One piece of evidence for a response: a procedure, a web address or a private file.

    Files live under settings.CAREBOOK_PRIVATE_ROOT (never under MEDIA_ROOT) and are served only
    by the download view, to the people who may see the response.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(max_length=LABEL_LENGTH)
    procedure = models.ForeignKey(
        "manuals.Procedure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(max_length=2000, blank=True)
    # Relative to the private evidence folder; a random name, never the uploaded one.
    stored_name = models.CharField(max_length=100, blank=True)
    file_name = models.CharField(max_length=LABEL_LENGTH, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    carried_forward = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["response", "added_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class PersonalDataWarning(models.Model):
    """A likely-personal-data warning that someone saw and confirmed before saving.

    Holds what kinds of thing were found and where, never the text that matched.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="personal_data_warnings"
    )
    # [{"field": "narrative", "kind": "nhs_number", "label": "an NHS number", "count": 1}, ...]
    findings = models.JSONField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"Personal data warning on {self.response}"


# Challenge and moderation ------------------------------------------------------------------


class ChallengeEvent(models.Model):
    """A meeting at which the lead challenged participants on their returns.

    Seen only by the lead organisation's audit leads until the report is published.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="challenge_events")
    date = models.DateField()
    # Who took part: the participants present, and anyone else in words.
    participants = models.ManyToManyField(Participant, blank=True, related_name="challenge_events")
    attendees = models.TextField(blank=True, help_text="Who took part, in words.")
    notes = models.TextField(blank=True)
    items = models.ManyToManyField(Item, blank=True, related_name="challenge_events")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["audit", "-date", "-pk"]

    def __str__(self) -> str:
        return f"Challenge event on {self.date.isoformat()}"


class ModeratedRating(models.Model):
    """The lead's rating of one participant's item after challenge, with its rationale.

    Kept apart from `Response` so that the self rating is never touched and the participant's
    saves and the lead's moderation each have their own `version` counter (a save made from an
    older version is refused by `services_moderation.moderate_item`). For scores, an item's
    value is the moderated rating where there is one, else the self rating.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="moderated_ratings"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="moderated_ratings")
    rating = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_applicable = models.BooleanField(default=False)
    not_applicable_reason = models.TextField(blank=True)
    rationale = models.TextField()
    version = models.PositiveIntegerField(default=1)
    moderated_at = models.DateTimeField(default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["participant", "item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "item"], name="audits_one_moderated_rating_per_item"
            ),
            models.CheckConstraint(
                condition=(
                    (models.Q(not_applicable=True) & models.Q(rating__isnull=True))
                    | (models.Q(not_applicable=False) & models.Q(rating__isnull=False))
                ),
                name="audits_moderated_rating_or_not_applicable",
            ),
        ]

    def __str__(self) -> str:
        return f"Moderated rating of {self.participant.organisation} on {self.item.ref}"


# Actions -----------------------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done — awaiting verification"
    VERIFIED = "verified", "Verified and closed"


class Action(models.Model):
    """Something to be done about one or more items, owned by one or more organisations.

    Closes (status verified) only when an audit lead of the lead organisation verifies it.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    items = models.ManyToManyField(Item, related_name="actions")
    # Participants or the lead organisation (checked by the service).
    owners = models.ManyToManyField("organisations.Organisation", related_name="audit_actions")
    owner_name = models.CharField(max_length=LABEL_LENGTH, help_text="The named owner.")
    description = models.TextField()
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completion_evidence = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The open action of the previous cycle this one continues.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["audit", "due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_closed(self) -> bool:
        return self.status == ActionStatus.VERIFIED

    def is_overdue(self, today=None) -> bool:
        """Past its due date and not yet verified."""
        today = today or timezone.localdate()
        return not self.is_closed and self.due_date < today


class ActionUpdate(models.Model):
    """A progress note on an action (also records status changes, in words)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["action", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Update on {self.action}"


# The board report's PDF ----------------------------------------------------------------------


class ReportPdfStatus(models.TextChoices):
    BUILDING = "building", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportPdf(models.Model):
    """The board report of an audit as a PDF, built in the background and kept until what the
    report shows changes (`report_pdf.report_fingerprint`).

    The unique (audit, fingerprint) pair is what stops two requests from building the same file
    twice: the first one creates the row in status "building" and enqueues the task; the others
    find the row and wait. The file lives under CAREBOOK_PRIVATE_ROOT and is only ever handed
    out by the report's board-report.pdf route, to the people who may read the report.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="report_pdfs")
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=ReportPdfStatus.choices, default=ReportPdfStatus.BUILDING
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
        verbose_name = "board report PDF"
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "fingerprint"], name="audits_unique_report_pdf_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.audit} board report PDF ({self.status})"
