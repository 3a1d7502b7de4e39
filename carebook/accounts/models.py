from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person who signs in to Carebook, identified by e-mail address."""

    username = None
    email = models.EmailField("e-mail address", unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    READER = "reader", "Reader"
    EDITOR = "editor", "Editor"
    APPROVER = "approver", "Approver"
    ORGANISATION_ADMIN = "orgadmin", "Organisation admin"
    AUDIT_LEAD = "auditlead", "Audit lead"
    AUDIT_CONTRIBUTOR = "contributor", "Audit contributor"
    SENIOR_LEAD = "seniorlead", "Senior lead"
    LEADER = "leader", "Leader"


ROLE_DESCRIPTIONS = {
    Role.READER: "Reads the organisation's staff-only manuals.",
    Role.EDITOR: "Drafts changes to procedures and submits them for approval.",
    Role.APPROVER: "Checks and approves changes, which publishes them.",
    Role.ORGANISATION_ADMIN: "Manages the organisation's members and settings.",
    Role.AUDIT_LEAD: "Runs self-audits: invites partners, challenges, moderates and reports.",
    Role.AUDIT_CONTRIBUTOR: "Fills in the organisation's audit returns.",
    Role.SENIOR_LEAD: "Signs off and submits the organisation's audit returns.",
    Role.LEADER: "Reads dashboards and published audit reports.",
}


class Membership(models.Model):
    """One role that a user holds in one organisation (a user may hold several)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"
