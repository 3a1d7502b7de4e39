"""Publishing: every publish of a procedure writes an immutable ProcedureVersion.

`publish_procedure_version` is called from the single `page_published` receiver (so that
workflow approvals and scheduled publishing are caught as well as direct publishing) and by
the demo loader. It also writes the change note and updates the search index.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from carebook.changes.models import ChangeKind
from carebook.changes.services import record_change

from .indexing import index_procedure, unindex_procedure
from .models import Procedure, ProcedureVersion, ProcedureWithdrawal, Significance
from .rendering import clean_html, sections_from_body
from .selectors import manual_of, organisation_of

FIRST_PUBLICATION_NOTE = "First published."


def version_from_page(procedure: Procedure) -> ProcedureVersion:
    """An unsaved version holding what `procedure` (a page instance) would publish."""
    return ProcedureVersion(
        procedure=procedure,
        number=0,
        title=procedure.title,
        summary=procedure.summary,
        sections=sections_from_body(procedure.body),
        scope_html=clean_html(procedure.scope),
        keywords=procedure.keyword_list,
        audience=list(procedure.audience or []),
        legislation=[
            {"title": block.value["title"], "url": block.value["url"]}
            for block in procedure.legislation
        ],
        related_ids=[link.target_id for link in procedure.related_links.all()],
        owner=procedure.owner_role,
        review_date=procedure.review_date,
        requires_acknowledgement=procedure.requires_acknowledgement,
        amendment_note=(procedure.amendment_note or "").strip(),
        significance=procedure.significance or Significance.SIGNIFICANT,
    )


@transaction.atomic
def publish_procedure_version(
    *,
    procedure: Procedure,
    user=None,
    revision=None,
    published_at: dt.datetime | None = None,
) -> ProcedureVersion:
    """Write the next version of a just-published procedure, its change note and index entry.

    A procedure derived from a national one is published by the adaptation service (its
    version holds a pin and local amendments). A publisher's procedure is then passed on to
    the manuals that follow it, by a background task once this transaction commits.
    """
    if procedure.derived_from_id:
        from carebook.adaptation.services import publish_local_version

        return publish_local_version(
            procedure=procedure, user=user, revision=revision, published_at=published_at
        )
    published_at = published_at or timezone.now()
    last = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure=procedure)
        .order_by("-number")
        .first()
    )
    version = version_from_page(procedure)
    version.number = last.number + 1 if last else 1
    version.published_at = published_at
    version.published_by = user
    version.revision = revision
    if not version.amendment_note:
        version.amendment_note = FIRST_PUBLICATION_NOTE if last is None else "No note was given."
    if last is None:
        # A first publication is always news, whatever the form said.
        version.significance = Significance.SIGNIFICANT
    version.save()

    reinstated = ProcedureWithdrawal.objects.filter(
        procedure=procedure, reinstated_at__isnull=True
    ).update(reinstated_at=published_at)

    manual = manual_of(procedure)
    organisation = organisation_of(manual)
    if version.is_significant or reinstated:
        record_change(
            organisation=organisation,
            manual=manual,
            procedure=procedure,
            kind=ChangeKind.NEW if last is None or reinstated else ChangeKind.UPDATED,
            amendment_note=version.amendment_note,
            created_at=published_at,
            local_version=version,
        )
    index_procedure(procedure=procedure, version=version, manual=manual, organisation=organisation)
    if organisation.is_publisher:
        _after_commit_propagate(version)
    return version


def _after_commit_propagate(version: ProcedureVersion) -> None:
    from carebook.adaptation.tasks import propagate_national_version_task

    transaction.on_commit(
        lambda: propagate_national_version_task.enqueue(national_version_id=version.pk)
    )


@transaction.atomic
def withdraw_procedure(
    *,
    procedure: Procedure,
    user=None,
    withdrawn_at: dt.datetime | None = None,
    note: str = "This procedure has been withdrawn and should no longer be followed.",
) -> ProcedureWithdrawal | None:
    """Record that a procedure was taken out of use, announce it and take it out of search."""
    if not procedure.versions.exists():
        return None
    if ProcedureWithdrawal.objects.filter(procedure=procedure, reinstated_at__isnull=True).exists():
        return None
    withdrawn_at = withdrawn_at or timezone.now()
    withdrawal = ProcedureWithdrawal.objects.create(
        procedure=procedure, withdrawn_at=withdrawn_at, withdrawn_by=user
    )
    manual = manual_of(procedure)
    record_change(
        organisation=organisation_of(manual),
        manual=manual,
        procedure=procedure,
        kind=ChangeKind.WITHDRAWN,
        amendment_note=note,
        created_at=withdrawn_at,
        local_version=procedure.versions.order_by("-number").first(),
    )
    unindex_procedure(procedure=procedure, manual=manual)
    if organisation_of(manual).is_publisher:
        from carebook.adaptation.tasks import propagate_withdrawal_task

        transaction.on_commit(
            lambda: propagate_withdrawal_task.enqueue(national_procedure_id=procedure.pk)
        )
    return withdrawal
