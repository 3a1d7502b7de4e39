from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import frameworks_admin


@hooks.register("register_admin_urls")
def register_framework_urls():
    return [path("frameworks/", frameworks_admin, name="carebook_frameworks_admin")]


class FrameworksMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def register_frameworks_menu_item():
    return FrameworksMenuItem(
        "Frameworks", reverse("carebook_frameworks_admin"), icon_name="list-ul", order=910
    )
