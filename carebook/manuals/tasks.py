"""Background work for manuals (django-tasks: ImmediateBackend in tests and `make run`,
the database backend and its worker in production)."""

from django_tasks import task


@task()
def build_manual_pdf_task(*, record_id: int) -> None:
    """Build the whole-manual PDF recorded by ManualPdf `record_id` (see pdf.py)."""
    from .pdf import build_manual_pdf

    build_manual_pdf(record_id=record_id)
