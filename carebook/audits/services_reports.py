"""Publishing an audit's report, and closing the cycle after it: the writes of the reports."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from carebook.accounts.models import User

from .models import Audit, AuditStatus, ParticipantStatus
from .selectors_reports import leads_audit
from .services_audits import AuditError

PUBLISHABLE_STATUSES = (AuditStatus.OPEN, AuditStatus.MODERATION)


@transaction.atomic
def publish_report(*, user: User, audit: Audit) -> Audit:
    """The lead publishes the report: its participants and leaders may then read it."""
    if not leads_audit(user=user, audit=audit):
        raise PermissionDenied("Only the lead organisation's audit leads can publish the report.")
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status in (AuditStatus.REPORT_PUBLISHED, AuditStatus.CLOSED):
        raise AuditError("The report has already been published.")
    if audit.status not in PUBLISHABLE_STATUSES:
        raise AuditError("Open the audit and collect returns before publishing its report.")
    if not audit.participants.filter(status=ParticipantStatus.SUBMITTED).exists():
        raise AuditError("No return has been submitted yet: there is nothing to report.")
    audit.status = AuditStatus.REPORT_PUBLISHED
    audit.save(update_fields=["status"])
    return audit


@transaction.atomic
def close_audit(*, user: User, audit: Audit) -> Audit:
    """The lead closes a cycle whose report is published: returns, moderation and actions are
    then read-only, and the report stays readable. A next cycle can carry it forward."""
    if not leads_audit(user=user, audit=audit):
        raise PermissionDenied("Only the lead organisation's audit leads can close the audit.")
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status == AuditStatus.CLOSED:
        raise AuditError("The audit is already closed.")
    if audit.status != AuditStatus.REPORT_PUBLISHED:
        raise AuditError("Publish the report before closing the audit.")
    audit.status = AuditStatus.CLOSED
    audit.save(update_fields=["status"])
    return audit
