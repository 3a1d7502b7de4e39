from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.db.models import Q
from django.http import Http404
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction

from carebook.core.slugs import validate_not_reserved

from .colours import text_colour_for, validate_hex_colour

DEFAULT_BRAND_COLOUR = "#1d4f76"


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    SAFEGUARDING_PARTNERSHIP = "safeguarding_partnership", "Safeguarding partnership"
    FOSTERING_AGENCY = "fostering_agency", "Fostering agency"
    ADOPTION_AGENCY = "adoption_agency", "Adoption agency"
    CHILDRENS_HOME_PROVIDER = "childrens_home_provider", "Children's home provider"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    VOLUNTARY = "voluntary", "Voluntary sector"
    PUBLISHER = "publisher", "Publisher"


class NationalUpdates(models.TextChoices):
    AUTOMATIC = "automatic", "Apply national updates automatically"
    REVIEW = "review", "Review national updates before readers see them"


class Organisation(models.Model):
    """A body that uses Carebook: it owns manuals, members and audit returns.

    Create one through `services.provision_organisation`, which also makes its home page,
    Wagtail groups and document collection.
    """

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_slug, validate_not_reserved],
        help_text="Used in web addresses: /<slug>/. Lower-case letters, numbers and hyphens.",
    )
    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    brand_colour = models.CharField(
        max_length=7, default=DEFAULT_BRAND_COLOUR, validators=[validate_hex_colour]
    )
    hostname = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="Optional host name of the organisation's own, e.g. procedures.example.gov.uk",
    )
    is_demo = models.BooleanField(
        default=False, help_text="Fictional demonstration content, marked 'not for practice'."
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", on_delete=models.PROTECT, related_name="organisation", null=True
    )
    editor_group = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="+", null=True
    )
    approver_group = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="+", null=True
    )
    national_updates = models.CharField(
        max_length=10,
        choices=NationalUpdates.choices,
        default=NationalUpdates.REVIEW,
        help_text="For manuals that follow a national base manual: what happens when the "
        "publisher changes a procedure.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hostname"],
                condition=~models.Q(hostname=""),
                name="unique_organisation_hostname",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.slug:
            self.slug = self.slug.lower()
        if self.hostname:
            self.hostname = self.hostname.strip().lower()

    @property
    def is_publisher(self) -> bool:
        return self.kind == OrganisationKind.PUBLISHER

    @property
    def brand_text_colour(self) -> str:
        return text_colour_for(self.brand_colour)


# The page types on the way to a procedure, read with the page in the route's one query (the
# names are the reverse links Django makes from Page to each type's own table).
PATH_PAGE_RELATIONS = (
    "organisationhomepage__organisation",
    "manual",
    "chapter",
    "procedure",
)


def _as_specific(row: Page) -> Page:
    """The page as its own type, from the joined row when the route's query read it."""
    name = row.specific_class._meta.model_name if row.specific_class else None
    if name in {relation.split("__")[0] for relation in PATH_PAGE_RELATIONS}:
        return getattr(row, name)
    return row.specific


class RoutedPageMixin:
    """For page types reached through `PlatformHomePage.route`: Wagtail's check of view
    restrictions (privacy settings) reads the ancestors again; the route already read them."""

    routed_ancestors: list[Page] | None = None

    def get_view_restrictions(self):
        ancestors = self.routed_ancestors
        if ancestors is None or any(page.alias_of_id for page in [self, *ancestors]):
            return super().get_view_restrictions()
        return PageViewRestriction.objects.filter(
            page_id__in={self.pk, *(page.pk for page in ancestors)}
        )


@dataclass(frozen=True)
class PathPages:
    """The pages the route read for a request: `pages` from the organisation's home page down
    to `page`, each as its own type."""

    page: Page
    pages: list[Page]

    def of_type(self, model) -> Page | None:
        return next((p for p in self.pages if isinstance(p, model)), None)


class PlatformHomePage(Page):
    """The root of the public site: lists organisations and their manuals."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["organisations.OrganisationHomePage"]
    max_count = 1

    template = "organisations/platform_home_page.html"

    class Meta:
        verbose_name = "platform home page"

    def route(self, request, path_components):
        """Find the deepest page on the path in one query, instead of one query per level.

        Wagtail walks the tree a level at a time (two queries a level); procedures sit four
        levels down. The deepest page whose address starts the path handles the rest, which
        is how sub-pages such as history/ and a-z/ are reached.

        The same query reads every page on the path as its own type (and the organisation of
        the organisation's home page), so the reading views find the manual, chapter,
        organisation and breadcrumbs without asking the database again: `request.path_pages`
        holds them, from the organisation's home page down to the page found.
        """
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "".join(f"{part}/" for part in path_components[:length])
            for length in range(1, len(path_components) + 1)
        ]
        above = [self.path[: self.steplen * depth] for depth in range(1, self.depth)]
        # Sorted here, not by the database: without table statistics (a new database)
        # PostgreSQL guesses thousands of rows from the joins, and sorting that many pushes
        # the estimate over its JIT threshold, which costs 60 ms of compiling per request.
        rows = sorted(
            Page.objects.filter(
                Q(url_path__in=prefixes, path__startswith=self.path) | Q(path__in=above)
            )
            .select_related(*PATH_PAGE_RELATIONS)
            .order_by(),
            key=lambda row: row.depth,
        )
        below = [row for row in rows if row.depth > self.depth]
        if not below:
            raise Http404
        pages = [_as_specific(row) for row in below]
        page = pages[-1]
        request.path_pages = PathPages(page=page, pages=pages)
        # Every ancestor of the page, for its view restrictions (see RoutedPageMixin).
        page.routed_ancestors = [
            *(row for row in rows if row.depth < self.depth),
            self,
            *pages[:-1],
        ]
        return page.route(request, path_components[page.depth - self.depth :])

    def get_context(self, request, *args, **kwargs):
        from .selectors import organisations_for_directory

        context = super().get_context(request, *args, **kwargs)
        organisations = organisations_for_directory(user=request.user)
        context["organisations"] = organisations
        context["has_demo"] = any(org.is_demo for org in organisations)
        return context


class OrganisationHomePage(Page):
    """The home page of one organisation, at /<org-slug>/. Made by provisioning, never by hand."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="home_page"
    )
    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
        help_text="A few sentences about the organisation and what its manuals cover.",
    )
    contact = RichTextField(
        blank=True,
        features=["bold", "link", "ul"],
        help_text="Who to contact about these procedures (a team mailbox rather than a person).",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("contact")]
    promote_panels: list = []
    parent_page_types = ["organisations.PlatformHomePage"]
    subpage_types = ["manuals.Manual"]
    is_creatable = False

    template = "organisations/organisation_home_page.html"

    # Root (1) → platform home (2) → organisation home (3) → manuals (4).
    DEPTH = 3

    class Meta:
        verbose_name = "organisation home page"

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and self.slug != self.organisation.slug:
            raise ValidationError(
                {"slug": "An organisation's home page keeps the organisation's own slug."}
            )

    def get_context(self, request, *args, **kwargs):
        from .selectors import public_manuals_for

        request.organisation = self.organisation
        context = super().get_context(request, *args, **kwargs)
        context["organisation"] = self.organisation
        context["breadcrumbs"] = [{"text": "Carebook", "href": "/"}, {"text": self.title}]
        context["manuals"] = public_manuals_for(organisation=self.organisation, user=request.user)
        return context


def organisation_for_page(page: Page) -> Organisation | None:
    """The organisation whose home page is this page or one of its ancestors."""
    if page is None:
        return None
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if isinstance(specific, OrganisationHomePage):
        return specific.organisation
    home = (
        OrganisationHomePage.objects.ancestor_of(page, inclusive=True)
        .select_related("organisation")
        .first()
    )
    return home.organisation if home else None
