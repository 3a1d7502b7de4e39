"""Publishing an audit's report: the one write of the reports."""

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
