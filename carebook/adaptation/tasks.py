"""Background work: passing a national publish or withdrawal on to every subscriber."""

from django_tasks import task


@task()
def propagate_national_version_task(*, national_version_id: int) -> None:
    from .services import propagate_national_version

    propagate_national_version(national_version_id=national_version_id)


@task()
def propagate_withdrawal_task(*, national_procedure_id: int) -> None:
    from .services import propagate_withdrawal

    propagate_withdrawal(national_procedure_id=national_procedure_id)
