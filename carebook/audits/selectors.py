"""Reads for self-audit. Frameworks are not tenant data: every signed-in user may read them."""

from django.db.models import Prefetch, QuerySet

from .models import Framework, FrameworkVersion, Item, LevelDescriptor, ScaleLevel, Section

# The models that make up a framework version; anything else pointing at a version uses it.
_STRUCTURE = {ScaleLevel, Section, Item, LevelDescriptor}


def framework_version_in_use(version: FrameworkVersion) -> bool:
    """Whether anything outside the framework's own structure (an audit) points at it."""
    for relation in FrameworkVersion._meta.related_objects:
        if relation.related_model in _STRUCTURE or not (
            relation.one_to_many or relation.one_to_one
        ):
            continue
        related = relation.related_model._base_manager.filter(**{relation.field.name: version})
        if related.exists():
            return True
    return False


def frameworks_visible_to(user) -> QuerySet[Framework]:
    if not user.is_authenticated:
        return Framework.objects.none()
    return Framework.objects.order_by("name", "ref")


def current_version(framework: Framework) -> FrameworkVersion | None:
    """The most recently loaded version: the one offered for new audits."""
    return framework.versions.order_by("-loaded_at", "-pk").first()


def framework_version_for_reading(*, version: FrameworkVersion) -> FrameworkVersion:
    """The version with its scale, sections, items and level descriptors fetched at once."""
    return (
        FrameworkVersion.objects.select_related("framework")
        .prefetch_related(
            "scale_levels",
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "items",
                        queryset=Item.objects.order_by("position").prefetch_related(
                            Prefetch(
                                "level_descriptors",
                                queryset=LevelDescriptor.objects.select_related("level"),
                            )
                        ),
                    )
                ),
            ),
        )
        .get(pk=version.pk)
    )
