"""Writes for accounts and memberships. Group membership in Wagtail follows the roles held."""

from django.db import transaction

from carebook.organisations.models import Organisation

from .models import Membership, Role, User


def _sync_groups(*, user: User, organisation: Organisation) -> None:
    roles = set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    for role, group in (
        (Role.EDITOR, organisation.editor_group),
        (Role.APPROVER, organisation.approver_group),
    ):
        if group is None:
            continue
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)


@transaction.atomic
def add_membership(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give a user a role in an organisation (idempotent) and the Wagtail groups it needs."""
    if role not in Role.values:
        raise ValueError(f"Unknown role: {role}")
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    _sync_groups(user=user, organisation=organisation)
    return membership


@transaction.atomic
def remove_membership(*, user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.filter(user=user, organisation=organisation, role=role).delete()
    _sync_groups(user=user, organisation=organisation)


@transaction.atomic
def create_user(
    *, email: str, password: str | None, first_name: str = "", last_name: str = ""
) -> User:
    return User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
