"""Who may read an audit's report, and the evidence links shown on procedure pages.

- The lead organisation's audit leads read the report (the dashboard and every export) in any
  status, and publish it.
- Once it is published (status "report published", and later "closed"), it is read also by the
  participants' contributors, senior leads and leaders, and by the leaders of the lead
  organisation.
- Nobody else reads anything.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from carebook.accounts.models import Role, User

from .models import Audit, Evidence, EvidenceKind
from .reports import PUBLISHED_STATUSES
from .selectors_audits import RETURN_ROLES, _organisation_ids, audits_visible_to

REPORT_READER_ROLES = (*RETURN_ROLES, Role.LEADER)


def _report_audits_q(user: User) -> Q:
    as_lead = Q(lead_organisation_id__in=_organisation_ids(user, (Role.AUDIT_LEAD,)))
    as_reader = Q(status__in=PUBLISHED_STATUSES) & (
        Q(participants__organisation_id__in=_organisation_ids(user, REPORT_READER_ROLES))
        | Q(lead_organisation_id__in=_organisation_ids(user, (Role.LEADER,)))
    )
    return as_lead | as_reader


def reports_visible_to(*, user: User | AnonymousUser) -> QuerySet[Audit]:
    """Audits whose report the user may read."""
    if not user.is_authenticated:
        return Audit.objects.none()
    return (
        Audit.objects.filter(pk__in=Audit.objects.filter(_report_audits_q(user)).values("pk"))
        .select_related("lead_organisation", "framework_version__framework", "previous")
        .order_by("-period_start", "-pk")
    )


def report_audit(*, user: User | AnonymousUser, audit_id: int) -> tuple[Audit | None, bool]:
    """(the audit, whether the user may read its report).

    (None, False): the user may not know the audit exists (404). (audit, False): they can see
    the audit but its report is not published for them yet (403).
    """
    audit = reports_visible_to(user=user).filter(pk=audit_id).first()
    if audit is not None:
        return audit, True
    return audits_visible_to(user=user).filter(pk=audit_id).first(), False


def leads_audit(*, user: User | AnonymousUser, audit: Audit) -> bool:
    if not user.is_authenticated:
        return False
    return (
        _organisation_ids(user, (Role.AUDIT_LEAD,))
        .filter(organisation_id=audit.lead_organisation_id)
        .exists()
    )


def procedure_evidence_for(*, user: User | AnonymousUser, procedure_id: int) -> list[dict]:
    """Audit items that cite the procedure as evidence, as the user may see them: one query.

    Seen by the lead organisation's audit leads, by the participant that made the link (its
    contributors and senior leads, once the audit is open), and by everyone who may read the
    report once it is published. Nothing for anonymous users (and no query).
    """
    if not user.is_authenticated:
        return []
    by_lead = Q(
        response__participant__audit__lead_organisation_id__in=_organisation_ids(
            user, (Role.AUDIT_LEAD,)
        )
    )
    by_linker = ~Q(response__participant__audit__status="draft") & Q(
        response__participant__organisation_id__in=_organisation_ids(user, RETURN_ROLES)
    )
    by_reader = Q(
        response__participant__audit__in=Audit.objects.filter(
            Q(status__in=PUBLISHED_STATUSES)
            & (
                Q(participants__organisation_id__in=_organisation_ids(user, REPORT_READER_ROLES))
                | Q(lead_organisation_id__in=_organisation_ids(user, (Role.LEADER,)))
            )
        ).values("pk")
    )
    rows = (
        Evidence.objects.filter(kind=EvidenceKind.PROCEDURE, procedure_id=procedure_id)
        .filter(by_lead | by_linker | by_reader)
        .order_by(
            "-response__participant__audit__period_start",
            "response__participant__audit_id",
            "response__item__position",
            "response__participant__organisation__name",
        )
        .values(
            "response__participant__audit_id",
            "response__participant__audit__title",
            "response__participant__audit__status",
            "response__participant__organisation__name",
            "response__item__ref",
            "response__item__statement",
        )
    )
    seen, links = set(), []
    for row in rows:
        key = (
            row["response__participant__audit_id"],
            row["response__item__ref"],
            row["response__participant__organisation__name"],
        )
        if key in seen:
            continue
        seen.add(key)
        links.append(
            {
                "audit_id": row["response__participant__audit_id"],
                "audit_title": row["response__participant__audit__title"],
                "published": row["response__participant__audit__status"] in PUBLISHED_STATUSES,
                "organisation": row["response__participant__organisation__name"],
                "item_ref": row["response__item__ref"],
                "statement": row["response__item__statement"],
            }
        )
    return links
