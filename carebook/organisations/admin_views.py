"""Organisations in the Wagtail admin, for platform administrators only.

Creating one goes through `provision_organisation`, so that its home page, groups and collection
are made with it. Wagtail's model permissions keep these views from everyone but superusers.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Organisation
from .services import provision_organisation


class OrganisationCreateView(CreateView):
    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = provision_organisation(
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                    kind=form.cleaned_data["kind"],
                    brand_colour=form.cleaned_data["brand_colour"],
                    hostname=form.cleaned_data.get("hostname", ""),
                )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            return self.form_invalid(form)
        return self.save_action()


# The slug and hostname are fixed once made: web addresses and sites depend on them.
EDIT_PANEL = ObjectList(
    [FieldPanel(name) for name in ("name", "kind", "brand_colour")]
).bind_to_model(Organisation)


class OrganisationEditView(EditView):
    def get_panel(self):
        return EDIT_PANEL


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["name", "slug", "kind", "hostname"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    add_view_class = OrganisationCreateView
    inspect_view_enabled = False
    copy_view_enabled = False

    edit_view_class = OrganisationEditView
    panels = [FieldPanel(name) for name in ("name", "slug", "kind", "brand_colour", "hostname")]

    def get_form_class(self, for_update=False):
        return EDIT_PANEL.get_form_class() if for_update else super().get_form_class()


organisation_viewset = OrganisationViewSet("organisation_admin", url_prefix="organisations")
