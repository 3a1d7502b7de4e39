"""Demo organisations (the demo-data contract in docs/architecture.md)."""

from .models import Organisation, OrganisationKind
from .services import ensure_platform, provision_organisation

DEMO_ORGANISATIONS = [
    {
        "slug": "national-library",
        "name": "National Procedures Library",
        "kind": OrganisationKind.PUBLISHER,
        "brand_colour": "#4c2c92",
        "intro": "<p>A fictional publisher that keeps a national base of children's social care "
        "procedures for local organisations to adapt. Demo content — not for practice.</p>",
    },
    {
        "slug": "northshire",
        "name": "Northshire Council",
        "kind": OrganisationKind.LOCAL_AUTHORITY,
        "brand_colour": "#005a30",
        "intro": "<p>Children's services procedures for the fictional county of Northshire. "
        "Demo content — not for practice.</p>",
    },
    {
        "slug": "eastborough",
        "name": "Eastborough Council",
        "kind": OrganisationKind.LOCAL_AUTHORITY,
        "brand_colour": "#8f2330",
        "intro": "<p>Children's services procedures for the fictional borough of Eastborough. "
        "Demo content — not for practice.</p>",
    },
    {
        "slug": "northshire-safeguarding-partnership",
        "name": "Northshire Safeguarding Children Partnership",
        "kind": OrganisationKind.SAFEGUARDING_PARTNERSHIP,
        "brand_colour": "#1d4f76",
        "intro": "<p>The fictional partnership of Northshire Council, Northshire Police, "
        "Northshire Health and Northshire Schools. Demo content — not for practice.</p>",
    },
    {
        "slug": "northshire-police",
        "name": "Northshire Police",
        "kind": OrganisationKind.POLICE,
        "brand_colour": "#0b2a5b",
        "intro": "<p>A fictional police force, partner in the Northshire partnership. "
        "Demo content — not for practice.</p>",
    },
    {
        "slug": "northshire-health",
        "name": "Northshire Health",
        "kind": OrganisationKind.HEALTH,
        "brand_colour": "#005eb8",
        "intro": "<p>A fictional integrated care board, partner in the Northshire partnership. "
        "Demo content — not for practice.</p>",
    },
    {
        "slug": "northshire-schools",
        "name": "Northshire Schools",
        "kind": OrganisationKind.EDUCATION,
        "brand_colour": "#6f3d0e",
        "intro": "<p>The fictional education partner of the Northshire partnership. "
        "Demo content — not for practice.</p>",
    },
]


def load(log) -> None:
    ensure_platform()
    existing = set(Organisation.objects.values_list("slug", flat=True))
    for spec in DEMO_ORGANISATIONS:
        if spec["slug"] in existing:
            continue
        provision_organisation(is_demo=True, **spec)
        log(f"Created organisation {spec['name']} (/{spec['slug']}/)")
