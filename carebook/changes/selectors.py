from django.db.models import QuerySet

from .models import ChangeNote


def change_notes_for_manual(*, manual) -> QuerySet[ChangeNote]:
    """Change notes of a manual, newest first, for procedures that are live or withdrawn."""
    return (
        ChangeNote.objects.filter(manual=manual)
        .select_related("procedure", "local_version")
        .order_by("-created_at", "-pk")
    )
