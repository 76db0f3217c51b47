"""Background work: a thin task around the service (runs in `gonghui db_worker`)."""

from django_tasks import task

from gonghui.rosters.models import ImportJob
from gonghui.rosters.services import import_job_run


@task()
def roster_job(job_id: int) -> dict:
    job = ImportJob.objects.select_related("union", "created_by").get(pk=job_id)
    job = import_job_run(job=job)
    return {"status": job.status, **job.summary}
