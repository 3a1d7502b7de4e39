"""Reads for organisations, scoped to what the user may see."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from wagtail.models import Page

from carebook.accounts.models import User

from .models import Organisation, OrganisationHomePage


def organisations_for_directory(*, user: User | AnonymousUser) -> list[Organisation]:
    """Organisations listed on the platform home (those whose home page is live), each with
    `directory_manuals`: the manuals this user may open, in two queries whatever the count."""
    from carebook.manuals.selectors import readable_manuals

    organisations = list(
        Organisation.objects.filter(home_page__live=True)
        .select_related("home_page")
        .order_by("name")
    )
    by_path = {org.home_page.path: org for org in organisations}
    for org in organisations:
        org.directory_manuals = []
    for manual in readable_manuals(user=user).order_by("path"):
        owner = by_path.get(manual.path[: -Page.steplen])
        if owner is not None:
            owner.directory_manuals.append(manual)
    return organisations


def editable_organisation_homes(*, user: User | AnonymousUser) -> QuerySet[OrganisationHomePage]:
    """Organisation home pages under which the user may edit (superusers: all of them)."""
    if not user.is_authenticated:
        return OrganisationHomePage.objects.none()
    if user.is_superuser:
        return OrganisationHomePage.objects.all()
    return OrganisationHomePage.objects.filter(group_permissions__group__user=user).distinct()


def pages_in_editable_organisations(*, user: User | AnonymousUser) -> QuerySet[Page]:
    """Every page in the trees of the organisations the user edits (for admin listings)."""
    homes = list(editable_organisation_homes(user=user).values_list("path", flat=True))
    if not homes:
        return Page.objects.none()
    condition = Q()
    for path in homes:
        condition |= Q(path__startswith=path)
    return Page.objects.filter(condition)


def public_manuals_for(*, organisation: Organisation, user: User | AnonymousUser) -> list[Page]:
    """The manuals of an organisation that this user may open, in menu order."""
    from carebook.manuals.selectors import readable_manuals

    return list(readable_manuals(user=user, organisation=organisation).order_by("path"))
