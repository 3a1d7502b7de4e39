"""Background work for self-audit (django-tasks: ImmediateBackend in tests and `make run`,
the database backend and its worker in production)."""

from django_tasks import task


@task()
def build_report_pdf_task(*, record_id: int) -> None:
    """Build the board report PDF recorded by ReportPdf `record_id` (see report_pdf.py)."""
    from .report_pdf import build_report_pdf

    build_report_pdf(record_id=record_id)
