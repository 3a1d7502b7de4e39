"""Writes for organisations: provisioning and the platform's page tree."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import (
    DEFAULT_BRAND_COLOUR,
    Organisation,
    OrganisationHomePage,
    OrganisationKind,
    PlatformHomePage,
)

PLATFORM_TITLE = "Carebook"

# Page permissions, granted at the organisation home only (rows per page would slow the admin).
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")
APPROVER_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page", "publish_page")
COLLECTION_PERMISSIONS = (
    ("wagtaildocs", "document", ("add", "change", "choose")),
    ("wagtailimages", "image", ("add", "change", "choose")),
)


@transaction.atomic
def ensure_platform() -> PlatformHomePage:
    """Make sure the platform home exists and the default site points at it (idempotent)."""
    platform = PlatformHomePage.objects.first()
    root = Page.get_first_root_node()
    if root is None:
        raise RuntimeError("Wagtail's root page is missing: run `manage.py migrate` first.")
    if platform is None:
        platform = root.add_child(
            instance=PlatformHomePage(title=PLATFORM_TITLE, slug="carebook-home", live=True)
        )
        # Wagtail's own welcome page is of no use once the platform home exists.
        for page in root.get_children().exclude(pk=platform.pk).type(Page).exact_type(Page):
            if not page.get_children().exists():
                Site.objects.filter(root_page=page).update(root_page=platform)
                page.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=platform,
            is_default_site=True,
            site_name=PLATFORM_TITLE,
        )
    elif site.root_page_id != platform.pk:
        site.root_page = platform
        site.site_name = PLATFORM_TITLE
        site.save()
    return platform


def _permissions(app_label: str, model: str, actions: tuple[str, ...]) -> list[Permission]:
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    codenames = [f"{action}_{model}" for action in actions]
    found = list(Permission.objects.filter(content_type=content_type, codename__in=codenames))
    if len(found) != len(codenames):
        raise RuntimeError(f"Permissions missing for {app_label}.{model}: run migrations.")
    return found


def _admin_access_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _make_group(
    name: str, *, home: Page, page_codenames: tuple[str, ...], collection: Collection
) -> Group:
    group = Group.objects.create(name=name)
    group.permissions.add(_admin_access_permission())
    page_type = ContentType.objects.get_for_model(Page)
    for permission in Permission.objects.filter(
        content_type=page_type, codename__in=page_codenames
    ):
        GroupPagePermission.objects.create(group=group, page=home, permission=permission)
    for app_label, model, actions in COLLECTION_PERMISSIONS:
        for permission in _permissions(app_label, model, actions):
            GroupCollectionPermission.objects.create(
                group=group, collection=collection, permission=permission
            )
    return group


def _make_workflow(*, organisation: Organisation, home: Page) -> Workflow:
    """Editor submits, an approver of the same organisation approves, and that publishes."""
    task = GroupApprovalTask.objects.create(name=f"{organisation.name}: approval")
    task.groups.set([organisation.approver_group])
    workflow = Workflow.objects.create(name=f"{organisation.name}: publishing")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=home)
    return workflow


@transaction.atomic
def provision_organisation(
    *,
    name: str,
    slug: str,
    kind: str,
    brand_colour: str = DEFAULT_BRAND_COLOUR,
    hostname: str = "",
    is_demo: bool = False,
    intro: str = "",
) -> Organisation:
    """Create an organisation with its home page, editor and approver groups and collection.

    Raises ValidationError (naming the field) for a bad or reserved slug, a duplicate name or
    slug, an unknown kind or a malformed colour; nothing is written in that case.
    """
    organisation = Organisation(
        name=name.strip(),
        slug=slug.strip().lower(),
        kind=kind,
        brand_colour=brand_colour,
        hostname=hostname.strip().lower(),
        is_demo=is_demo,
    )
    organisation.full_clean(exclude=["collection", "editor_group", "approver_group"])
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": f"Unknown kind of organisation: {kind}."})

    platform = ensure_platform()
    if platform.get_children().filter(slug=organisation.slug).exists():
        raise ValidationError({"slug": f"A page already uses the address /{organisation.slug}/."})

    root_collection = Collection.get_first_root_node()
    collection = root_collection.add_child(instance=Collection(name=organisation.name))
    organisation.collection = collection
    organisation.save()

    home = platform.add_child(
        instance=OrganisationHomePage(
            title=organisation.name,
            slug=organisation.slug,
            organisation=organisation,
            intro=intro,
            live=True,
        )
    )
    organisation.editor_group = _make_group(
        f"{organisation.name} editors",
        home=home,
        page_codenames=EDITOR_PAGE_PERMISSIONS,
        collection=collection,
    )
    organisation.approver_group = _make_group(
        f"{organisation.name} approvers",
        home=home,
        page_codenames=APPROVER_PAGE_PERMISSIONS,
        collection=collection,
    )
    organisation.save(update_fields=["collection", "editor_group", "approver_group"])
    _make_workflow(organisation=organisation, home=home)

    if organisation.hostname:
        Site.objects.create(
            hostname=organisation.hostname,
            port=443,
            root_page=home,
            site_name=organisation.name,
        )
    return organisation
