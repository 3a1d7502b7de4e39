"""Demo logins: <role>@<org-slug>.example with the shared demo password."""

from carebook.core.demo import DEMO_PASSWORD
from carebook.organisations.models import Organisation

from .models import Role, User
from .services import add_membership, create_user

ALL_ROLES = [role.value for role in Role]

# Which roles make sense in each demo organisation.
DEMO_ROLES = {
    "national-library": ["reader", "editor", "approver", "orgadmin"],
    "northshire": ALL_ROLES,
    "eastborough": ALL_ROLES,
    "northshire-safeguarding-partnership": ["reader", "orgadmin", "auditlead", "leader"],
    "northshire-police": ["orgadmin", "contributor", "seniorlead", "leader"],
    "northshire-health": ["orgadmin", "contributor", "seniorlead", "leader"],
    "northshire-schools": ["orgadmin", "contributor", "seniorlead", "leader"],
}
SUPERUSER_EMAIL = "admin@carebook.example"


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, organisation slug, role) for every demo login, in a stable order."""
    return [
        (f"{role}@{slug}.example", slug, role)
        for slug, roles in DEMO_ROLES.items()
        for role in roles
    ]


def load(log) -> None:
    if not User.objects.filter(email=SUPERUSER_EMAIL).exists():
        User.objects.create_superuser(
            email=SUPERUSER_EMAIL,
            password=DEMO_PASSWORD,
            first_name="Platform",
            last_name="Administrator",
        )
        log(f"Created superuser {SUPERUSER_EMAIL}")
    organisations = {org.slug: org for org in Organisation.objects.filter(slug__in=DEMO_ROLES)}
    existing = set(User.objects.values_list("email", flat=True))
    for email, slug, role in demo_logins():
        if email in existing:
            continue
        user = create_user(
            email=email,
            password=DEMO_PASSWORD,
            first_name=Role(role).label,
            last_name=organisations[slug].name,
        )
        add_membership(user=user, organisation=organisations[slug], role=role)
        log(f"Created login {email}")
