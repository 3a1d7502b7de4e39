"""Writes for change notes. Called only by the publishing services."""

import datetime as dt

from django.db import transaction

from .models import ChangeNote


@transaction.atomic
def record_change(
    *,
    organisation,
    manual,
    procedure,
    kind: str,
    amendment_note: str,
    created_at: dt.datetime,
    local_version=None,
    national_version=None,
) -> ChangeNote:
    return ChangeNote.objects.create(
        organisation=organisation,
        manual=manual,
        procedure=procedure,
        procedure_title=procedure.title,
        kind=kind,
        amendment_note=amendment_note,
        created_at=created_at,
        local_version=local_version,
        national_version=national_version,
    )
