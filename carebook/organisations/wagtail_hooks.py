"""Keep each editor inside their own organisation in the Wagtail admin.

Wagtail is not multi-tenant: these hooks narrow every listing and chooser to the trees of the
organisations whose groups the user belongs to. Superusers (platform administrators) see all.
"""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.models import Page

from .admin_views import organisation_viewset
from .models import OrganisationHomePage, PlatformHomePage
from .selectors import pages_in_editable_organisations

# Admin areas that concern the whole platform, closed to everyone but platform administrators.
GLOBAL_MENU_ITEMS = {"reports", "settings", "snippets", "help"}


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return organisation_viewset


def _restricted(request) -> bool:
    return not request.user.is_superuser


@hooks.register("construct_explorer_page_queryset")
def explorer_only_own_organisation(parent_page, pages, request):
    if _restricted(request) and parent_page.depth > 1:
        pages = pages.filter(pk__in=pages_in_editable_organisations(user=request.user))
    return pages


@hooks.register("construct_page_chooser_queryset")
def page_chooser_only_own_organisation(pages, request):
    if _restricted(request):
        pages = pages.filter(pk__in=pages_in_editable_organisations(user=request.user))
    return pages


def _own_collections(items, request):
    if _restricted(request):
        items = items.filter(
            collection__organisation__editor_group__user=request.user
        ) | items.filter(collection__organisation__approver_group__user=request.user)
    return items.distinct()


@hooks.register("construct_document_chooser_queryset")
def document_chooser_only_own_organisation(documents, request):
    return _own_collections(documents, request)


@hooks.register("construct_image_chooser_queryset")
def image_chooser_only_own_organisation(images, request):
    return _own_collections(images, request)


@hooks.register("construct_main_menu")
def hide_global_areas(request, menu_items):
    if _restricted(request):
        menu_items[:] = [item for item in menu_items if item.name not in GLOBAL_MENU_ITEMS]


# The platform home and organisation homes hold the tree together (URLs, permissions, groups):
# nobody deletes, moves, copies or unpublishes them from the page tree.
STRUCTURAL_PAGE_MESSAGE = (
    "“{title}” is an organisation's home page (or the platform home). It cannot be {action} "
    "from the page tree; a platform administrator manages organisations."
)


def _is_structural(page) -> bool:
    return issubclass(page.specific_class or Page, PlatformHomePage | OrganisationHomePage)


def _refuse(request, page, action):
    messages.error(request, STRUCTURAL_PAGE_MESSAGE.format(title=page.title, action=action))
    return redirect("wagtailadmin_explore", page.get_parent().pk if page.depth > 1 else page.pk)


@hooks.register("before_delete_page")
def keep_structural_pages_on_delete(request, page):
    if _is_structural(page):
        return _refuse(request, page, "deleted")


@hooks.register("before_move_page")
def keep_structural_pages_on_move(request, page, destination):
    if _is_structural(page):
        return _refuse(request, page, "moved")


@hooks.register("before_copy_page")
def keep_structural_pages_on_copy(request, page):
    if _is_structural(page):
        return _refuse(request, page, "copied")


@hooks.register("before_unpublish_page")
def keep_structural_pages_on_unpublish(request, page):
    if _is_structural(page):
        return _refuse(request, page, "unpublished")


@hooks.register("before_bulk_action")
def keep_structural_pages_in_bulk(request, action_type, objects, action_class_instance):
    if action_type in {"delete", "move", "unpublish"}:
        structural = [obj for obj in objects if isinstance(obj, Page) and _is_structural(obj)]
        if structural:
            return _refuse(
                request,
                structural[0],
                {"delete": "deleted", "move": "moved"}.get(action_type, "unpublished"),
            )
