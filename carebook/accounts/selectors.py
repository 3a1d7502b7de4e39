"""Reads about who holds which role where."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from carebook.organisations.models import Organisation

from .models import Membership, User


def organisations_for_user(
    *, user: User | AnonymousUser, roles: tuple[str, ...] | None = None
) -> QuerySet[Organisation]:
    """Organisations in which the user holds any role (or one of `roles`)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id")).distinct()


def roles_in(*, user: User | AnonymousUser, organisation: Organisation) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
