import pytest
from django.contrib.auth.models import Group

from carebook.accounts.models import Membership, Role, User
from carebook.accounts.selectors import organisations_for_user, roles_in
from carebook.accounts.services import (
    ADMINISTRATORS_GROUP,
    add_membership,
    create_user,
    remove_membership,
)
from carebook.organisations.models import OrganisationKind
from carebook.organisations.services import provision_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(platform):
    return provision_organisation(
        name="Testshire", slug="testshire", kind=OrganisationKind.LOCAL_AUTHORITY
    )


def test_email_is_the_login_and_is_case_insensitive(client):
    create_user(email="Someone@Example.org", password="a long enough password")
    user = User.objects.get(email__iexact="someone@example.org")
    assert user.email == "someone@example.org"
    assert client.login(username="SOMEONE@example.org", password="a long enough password")


def test_every_role_can_be_held_and_editor_roles_join_the_wagtail_groups(org):
    user = create_user(email="person@example.org", password=None)
    for role in Role:
        add_membership(user=user, organisation=org, role=role)
    assert roles_in(user=user, organisation=org) == set(Role.values)
    assert len(Role.values) == 8
    administrators = Group.objects.get(name=ADMINISTRATORS_GROUP)
    assert set(user.groups.all()) == {org.editor_group, org.approver_group, administrators}

    remove_membership(user=user, organisation=org, role=Role.EDITOR)
    assert set(user.groups.all()) == {org.approver_group, administrators}
    remove_membership(user=user, organisation=org, role=Role.APPROVER)
    assert set(user.groups.all()) == {administrators}
    remove_membership(user=user, organisation=org, role=Role.ORGANISATION_ADMIN)
    assert not user.groups.exists()


def test_organisation_admins_reach_the_admin_without_page_rights(client, org):
    from carebook.organisations.selectors import pages_in_editable_organisations

    user = create_user(email="admin@example.org", password=None)
    add_membership(user=user, organisation=org, role=Role.ORGANISATION_ADMIN)
    assert user.has_perm("wagtailadmin.access_admin")
    assert not pages_in_editable_organisations(user=user).exists()


def test_adding_a_membership_twice_keeps_one_row(org):
    user = create_user(email="person@example.org", password=None)
    add_membership(user=user, organisation=org, role=Role.READER)
    add_membership(user=user, organisation=org, role=Role.READER)
    assert Membership.objects.filter(user=user).count() == 1


def test_unknown_role_is_refused(org):
    user = create_user(email="person@example.org", password=None)
    with pytest.raises(ValueError, match="Unknown role"):
        add_membership(user=user, organisation=org, role="emperor")


def test_a_user_may_belong_to_several_organisations(org):
    other = provision_organisation(name="Otherton", slug="otherton", kind=OrganisationKind.POLICE)
    user = create_user(email="person@example.org", password=None)
    add_membership(user=user, organisation=org, role=Role.AUDIT_CONTRIBUTOR)
    add_membership(user=user, organisation=other, role=Role.LEADER)
    assert set(organisations_for_user(user=user)) == {org, other}
    assert list(organisations_for_user(user=user, roles=(Role.LEADER,))) == [other]
