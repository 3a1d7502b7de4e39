import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from carebook.organisations.selectors import pages_in_editable_organisations

from .models import Chapter, Manual, Procedure
from .selectors import can_read_manual, manual_for_request


@hooks.register("before_serve_page")
def staff_only_manuals_need_membership(page, request, serve_args, serve_kwargs):
    """Staff-only manuals: sign in first; signed-in people outside the organisation get 404."""
    if not isinstance(page, Manual | Chapter | Procedure):
        return None
    manual = page if isinstance(page, Manual) else manual_for_request(request, page)
    if manual is None or can_read_manual(user=request.user, manual=manual):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404("No such page.")


@hooks.register("before_delete_page")
def withdraw_rather_than_delete(request, page):
    if isinstance(page.specific, Procedure) and page.specific.versions.exists():
        messages.error(
            request,
            f"“{page.title}” has been published, so its history must be kept for case reviews. "
            "Unpublish it to withdraw it instead of deleting it.",
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


class ReviewDatesPanel(Component):
    """Editors' dashboard: procedures overdue for review, due within 30 days, or with no owner."""

    name = "review_dates"
    order = 50

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        today = timezone.localdate()
        soon = today + dt.timedelta(days=30)
        procedures = (
            Procedure.objects.live()
            .filter(pk__in=pages_in_editable_organisations(user=self.user))
            # A derived procedure's review date and owner are the publisher's.
            .filter(derived_from__isnull=True)
            .order_by("review_date", "title")
        )
        overdue = [p for p in procedures if p.review_date and p.review_date < today]
        due = [p for p in procedures if p.review_date and today <= p.review_date <= soon]
        no_owner = [p for p in procedures if not p.owner_role.strip()]
        return render_to_string(
            "manuals/admin/review_dates_panel.html",
            {"overdue": overdue, "due": due, "no_owner": no_owner, "today": today},
        )


@hooks.register("construct_homepage_panels")
def add_review_dates_panel(request, panels):
    panels.append(ReviewDatesPanel(request.user))
