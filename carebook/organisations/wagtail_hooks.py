"""Keep each editor inside their own organisation in the Wagtail admin.

Wagtail is not multi-tenant: these hooks narrow every listing and chooser to the trees of the
organisations whose groups the user belongs to. Superusers (platform administrators) see all.
"""

from wagtail import hooks

from .selectors import pages_in_editable_organisations

# Admin areas that concern the whole platform, closed to everyone but platform administrators.
GLOBAL_MENU_ITEMS = {"reports", "settings", "snippets", "help"}


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
