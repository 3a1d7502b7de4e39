from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import is_member_editor, overview, subscribe_view


@hooks.register("register_admin_urls")
def register_national_urls():
    return [
        path("national/", overview, name="carebook_national_overview"),
        path("national/subscribe/", subscribe_view, name="carebook_national_subscribe"),
    ]


class NationalMenuItem(MenuItem):
    def is_shown(self, request):
        return is_member_editor(request.user)


@hooks.register("register_admin_menu_item")
def register_national_menu_item():
    return NationalMenuItem(
        "National and local content",
        reverse("carebook_national_overview"),
        icon_name="doc-full-inverse",
        order=250,
    )
