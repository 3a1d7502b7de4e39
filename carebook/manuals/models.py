"""Manuals, chapters and procedures (Wagtail pages) and the immutable versions they publish."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from carebook.adaptation.panels import NationalStatusPanel
from carebook.core.slugs import validate_not_reserved
from carebook.organisations.models import RoutedPageMixin

from .blocks import GuidanceLinkBlock, LocalAmendmentBlock, SectionBlock
from .fields import AUDIENCES, ChoiceListField
from .forms import ProcedureForm


class Jurisdiction(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone can read it"
    STAFF = "staff", "Staff only: members of the organisation must sign in"


class Significance(models.TextChoices):
    SIGNIFICANT = "significant", "Significant: practitioners need to know (listed in What's new)"
    MINOR = "minor", "Minor: a typo or layout change (no announcement)"


class ReservedSlugMixin:
    def clean(self):
        super().clean()
        try:
            validate_not_reserved(self.slug or "")
        except ValidationError as error:
            raise ValidationError({"slug": error.messages}) from error


class Manual(ReservedSlugMixin, RoutedPageMixin, RoutablePageMixin, Page):
    summary = models.TextField(
        blank=True, help_text="One or two sentences: what this manual covers."
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    jurisdiction = models.CharField(
        max_length=20, choices=Jurisdiction.choices, default=Jurisdiction.ENGLAND
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("visibility"),
        FieldPanel("jurisdiction"),
        InlinePanel("glossary_terms", label="Glossary terms", heading="Glossary"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["organisations.OrganisationHomePage"]
    subpage_types = ["manuals.Chapter"]
    template = "manuals/manual.html"

    class Meta:
        verbose_name = "manual"

    @property
    def is_staff_only(self) -> bool:
        return self.visibility == Visibility.STAFF

    def get_context(self, request, *args, **kwargs):
        from .views import manual_context

        context = super().get_context(request, *args, **kwargs)
        context.update(manual_context(request=request, manual=self))
        return context

    @path("a-z/")
    def a_to_z(self, request):
        from .views import a_to_z

        return a_to_z(request, manual=self)

    @path("whats-new/")
    def whats_new(self, request):
        from carebook.changes.views import whats_new

        return whats_new(request, manual=self)

    @path("pdf/")
    def pdf(self, request):
        from .pdf_views import manual_pdf_view

        return manual_pdf_view(request, manual=self)


class GlossaryTerm(Orderable):
    manual = ParentalKey(Manual, on_delete=models.CASCADE, related_name="glossary_terms")
    term = models.CharField(max_length=120)
    abbreviations = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated, e.g. CIN, CiN"
    )
    definition = models.TextField()

    panels = [FieldPanel("term"), FieldPanel("abbreviations"), FieldPanel("definition")]

    class Meta(Orderable.Meta):
        verbose_name = "glossary term"

    def __str__(self) -> str:
        return self.term

    @property
    def abbreviation_list(self) -> list[str]:
        return [part.strip() for part in self.abbreviations.split(",") if part.strip()]


class Chapter(ReservedSlugMixin, RoutedPageMixin, Page):
    summary = models.TextField(blank=True)
    # A chapter made by subscribing to a national base manual: the national chapter it follows.
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["manuals.Manual"]
    subpage_types = ["manuals.Procedure"]
    template = "manuals/chapter.html"

    class Meta:
        verbose_name = "chapter"

    def get_context(self, request, *args, **kwargs):
        from .views import chapter_context

        context = super().get_context(request, *args, **kwargs)
        context.update(chapter_context(request=request, chapter=self))
        return context


class Procedure(ReservedSlugMixin, RoutedPageMixin, RoutablePageMixin, Page):
    summary = models.TextField(help_text="One or two sentences: what this procedure is for.")
    body = StreamField(
        [("section", SectionBlock())],
        blank=True,
        help_text="The procedure, section by section.",
    )
    scope = models.TextField(
        blank=True, help_text="Who and what this procedure covers (plain text or simple HTML)."
    )
    legislation = StreamField([("link", GuidanceLinkBlock())], blank=True)
    keywords = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated words people search for."
    )
    audience = ChoiceListField(item_choices=AUDIENCES, help_text="Who this procedure is for.")
    # Page already has `owner` (the Wagtail user who created it); this is the accountable role.
    owner_role = models.CharField(
        "owner",
        max_length=150,
        blank=True,
        help_text="The role responsible for this procedure, e.g. Principal Social Worker.",
    )
    review_date = models.DateField(null=True, blank=True)
    requires_acknowledgement = models.BooleanField(
        default=False,
        help_text="Practitioners must confirm they have read each significant change.",
    )
    amendment_note = models.TextField(
        blank=True,
        help_text="What changed and why. Asked for every time this procedure is published.",
    )
    significance = models.CharField(
        max_length=12, choices=Significance.choices, default=Significance.SIGNIFICANT
    )

    # A procedure of a subscribing manual follows a national one: it shows the national version
    # it is pinned to (carebook.adaptation.models.Pin) merged with its local amendments, and holds
    # no copy of the national text.
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    local_amendments = StreamField(
        [("amendment", LocalAmendmentBlock())],
        blank=True,
        help_text="Your organisation's own content, placed around the national sections.",
    )
    hidden_locally = models.BooleanField(
        "hide this procedure",
        default=False,
        help_text="Your organisation does not use this national procedure. Readers are told why.",
    )
    hidden_reason = models.TextField(
        "why it is hidden", blank=True, help_text="Shown to readers who follow a link to it."
    )
    # Set when an editor accepts a pending national change in a draft; the pin moves only when
    # that draft is published (through the organisation's workflow), and never backwards.
    accepted_national_version = models.ForeignKey(
        "manuals.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    content_panels = [
        *Page.content_panels,
        NationalStatusPanel(heading="National procedure"),
        FieldPanel("accept_national_change"),
        FieldPanel("local_amendments", heading="Local content"),
        MultiFieldPanel(
            [FieldPanel("hidden_locally"), FieldPanel("hidden_reason")],
            heading="Hide this procedure",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("scope"), FieldPanel("audience"), FieldPanel("keywords")], heading="Scope"
        ),
        InlinePanel("related_links", label="Related procedure", heading="Related procedures"),
        FieldPanel("legislation", heading="Legislation and guidance"),
        MultiFieldPanel(
            [
                FieldPanel("owner_role"),
                FieldPanel("review_date"),
                FieldPanel("requires_acknowledgement"),
            ],
            heading="Governance",
        ),
        MultiFieldPanel(
            [FieldPanel("amendment_note"), FieldPanel("significance")],
            heading="Amendment note for this publication",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("keywords"),
    ]
    parent_page_types = ["manuals.Chapter"]
    subpage_types: list[str] = []
    base_form_class = ProcedureForm
    template = "manuals/procedure.html"

    class Meta:
        verbose_name = "procedure"

    @property
    def keyword_list(self) -> list[str]:
        return [part.strip() for part in self.keywords.split(",") if part.strip()]

    def route(self, request, path_components):
        # A withdrawn procedure keeps answering: its history and "as it stood on" matter to
        # case reviews, and its address says when it was withdrawn rather than "not found".
        if not self.live and self.current_withdrawal is not None:
            path = "/" + "".join(f"{part}/" for part in path_components)
            view, args, kwargs = self.resolve_subpage(path)
            return RouteResult(self, args=(view, args, kwargs))
        return super().route(request, path_components)

    @property
    def current_withdrawal(self):
        return self.withdrawals.filter(reinstated_at__isnull=True).order_by("-withdrawn_at").first()

    @path("")
    def index_route(self, request, *args, **kwargs):
        from .views import procedure_page

        return procedure_page(request, procedure=self)

    @path("history/")
    def history(self, request):
        from carebook.changes.views import procedure_history

        return procedure_history(request, procedure=self)

    @path("pdf/")
    def pdf(self, request):
        from .pdf_views import procedure_pdf_view

        return procedure_pdf_view(request, procedure=self)

    def serve_preview(self, request, mode_name):
        from .views import procedure_preview

        return procedure_preview(request, procedure=self)


class RelatedProcedure(Orderable):
    procedure = ParentalKey(Procedure, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", verbose_name="related procedure"
    )

    panels = [FieldPanel("target", heading="Procedure")]

    class Meta(Orderable.Meta):
        verbose_name = "related procedure"


class ProcedureVersion(models.Model):
    """One publication of a procedure, as readers saw it. Never changed once written.

    History, redlines, "as it stood on", change notes, pins and search read versions, never
    Wagtail revisions (which can be purged, and whose JSON is not migrated).
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    # [{"id": uuid, "heading": str, "anchor": str, "html": str, "text": str}, ...]
    sections = models.JSONField(default=list)
    scope_html = models.TextField(blank=True)
    keywords = models.JSONField(default=list)
    audience = models.JSONField(default=list)
    # [{"title": str, "url": str}, ...]
    legislation = models.JSONField(default=list)
    related_ids = models.JSONField(default=list)
    owner = models.CharField(max_length=150, blank=True)
    review_date = models.DateField(null=True, blank=True)
    requires_acknowledgement = models.BooleanField(default=False)
    amendment_note = models.TextField()
    significance = models.CharField(max_length=12, choices=Significance.choices)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For procedures derived from a national base: the national version shown, and the local
    # amendments published with it. Empty for a plain procedure.
    national_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_amendments = models.JSONField(default=list)
    # The local amendments as the render function takes them (flags and anchor redlines),
    # worked out when the version is written: they depend only on versions, which never change.
    # None for versions written before this was stored; those are worked out when first read.
    amendment_flags = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_version_number"),
        ]
        indexes = [models.Index(fields=["procedure", "published_at"])]

    def __str__(self) -> str:
        return f"{self.title} — version {self.number}"

    @property
    def is_significant(self) -> bool:
        return self.significance == Significance.SIGNIFICANT

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s['heading']}\n{s['text']}" for s in self.sections)


class ProcedureWithdrawal(models.Model):
    """A procedure taken out of use (unpublished). Ends when it is published again."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="withdrawals")
    withdrawn_at = models.DateTimeField(default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reinstated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["procedure", "withdrawn_at"]

    def __str__(self) -> str:
        return f"{self.procedure} withdrawn {self.withdrawn_at:%Y-%m-%d}"


# The whole-manual PDF cache lives in its own module (carebook/manuals/pdf.py builds it).
from .pdf_models import ManualPdf, ManualPdfStatus  # noqa: E402, F401
