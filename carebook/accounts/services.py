"""Writes for accounts and memberships. Group membership in Wagtail follows the roles held."""

from django.db import transaction

from carebook.organisations.models import Organisation

from .models import Membership, Role, User

ADMINISTRATORS_GROUP = "Organisation administrators"


def _administrators_group():
    """Admin access only (no page rights): organisation admins manage members and settings,
    such as which base manual to follow, in the admin."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return group


def _sync_groups(*, user: User, organisation: Organisation) -> None:
    if Membership.objects.filter(user=user, role=Role.ORGANISATION_ADMIN).exists():
        user.groups.add(_administrators_group())
    else:
        user.groups.remove(*user.groups.filter(name=ADMINISTRATORS_GROUP))
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
