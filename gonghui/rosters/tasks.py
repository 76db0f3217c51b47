"""Background work: a thin task around the service (runs in `gonghui db_worker`)."""

from django_tasks import task
from django_tasks.exceptions import TaskResultDoesNotExist

from gonghui.rosters.models import ImportJob
from gonghui.rosters.services import import_job_run

MISSING = "MISSING"


@task()
def roster_job(job_id: int) -> dict:
    job = ImportJob.objects.select_related("union", "created_by").get(pk=job_id)
    job = import_job_run(job=job)
    return {"status": job.status, **job.summary}


def roster_job_enqueue(job_id: int) -> str:
    """Queues the job's next step; returns the task's id in the queue."""
    return str(roster_job.enqueue(job_id).id)


def roster_job_status(task_id: str) -> str | None:
    """READY, RUNNING, SUCCESSFUL or FAILED as the queue has it; MISSING when the queue has no such
    task; None when there is no task id or the backend cannot tell (it runs tasks at once)."""
    if not task_id or not roster_job.get_backend().supports_get_result:
        return None
    try:
        return str(roster_job.get_result(task_id).status)
    except TaskResultDoesNotExist:
        return MISSING
