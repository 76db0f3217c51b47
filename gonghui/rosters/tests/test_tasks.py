"""A real background import: the database task backend and `gonghui db_worker`, in their own processes."""

import json
import os
import signal

from gonghui.rosters.tests.files import roster_rows, write_xlsx

CREATE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from gonghui.accounts.models import User
from gonghui.orgs.models import Organisation
from gonghui.rosters import services
from gonghui.rosters.services import jobs
jobs.INLINE_BYTES = 0  # whatever its size, this file goes to the worker
data = open({path!r}, "rb").read()
job = services.import_job_create(union=Organisation.objects.get(code="UA"), by=User.objects.get(username="admin-a"),
                                 upload=SimpleUploadedFile("名册.xlsx", data))
print(job.pk)
"""
STATUS = """
import json
from django_tasks_db.models import DBTaskResult
from gonghui.rosters.models import ImportJob
job = ImportJob.objects.get(pk={pk})
print(json.dumps({{"status": job.status, "summary": job.summary, "queued": DBTaskResult.objects.filter(status="READY").count()}}))
"""
CONFIRM = """
from gonghui.rosters import services
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services import jobs
jobs.INLINE_BYTES = 0
job = ImportJob.objects.get(pk={pk})
services.import_job_confirm(job=job, by=job.created_by)
"""


def test_a_roster_is_checked_and_imported_by_the_db_worker(scratch):
    path = write_xlsx(scratch.path / "roster.xlsx", roster_rows(3000, ["甲锂电有限公司"], seed=31))

    def status(pk):
        done = scratch.python(STATUS.format(pk=pk))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    created = scratch.python(CREATE.format(path=str(path)))
    assert created.returncode == 0, created.stderr
    pk = int(created.stdout.strip().splitlines()[-1])
    assert status(pk) == {"status": "queued_check", "summary": {}, "queued": 1}

    worker = scratch.gonghui("db_worker", "--batch", "--interval", "0.1")
    assert worker.returncode == 0, worker.stderr
    checked = status(pk)
    assert checked["status"] == "checked" and checked["queued"] == 0
    assert checked["summary"] == {"rows": 3000, "created": 3000, "unchanged": 0, "conflicts": 0, "errors": 0}
    assert scratch.counts()["people"] == 0

    confirmed = scratch.python(CONFIRM.format(pk=pk))
    assert confirmed.returncode == 0, confirmed.stderr
    assert status(pk)["status"] == "queued_import"
    worker = scratch.gonghui("db_worker", "--batch", "--interval", "0.1")
    assert worker.returncode == 0, worker.stderr
    assert status(pk)["status"] == "done"
    assert scratch.counts() == {"people": 3000, "memberships": 3000, "audit": 3001}


STALE = """
import json
from datetime import timedelta
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from gonghui.rosters import services
from gonghui.rosters.models import ImportJob
job = ImportJob.objects.get(pk={pk})
before = job.status
services.import_job_fail_if_stale(job=job)  # just killed: not judged yet
assert job.status == before, job.status
job = services.import_job_fail_if_stale(job=job, now=timezone.now() + services.stale_after() + timedelta(seconds=1))
print(json.dumps({{"before": before, "status": job.status, "message": job.message,
                  "task": DBTaskResult.objects.get(id=job.task_id).status}}))
"""
AGAIN = """
from django.core.files.uploadedfile import SimpleUploadedFile
from gonghui.rosters import services
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services import jobs
jobs.INLINE_BYTES = 10 ** 9  # checked and imported within the call
failed = ImportJob.objects.get(pk={pk})
job = services.import_job_create(union=failed.union, by=failed.created_by,
                                 upload=SimpleUploadedFile("名册.xlsx", failed.file.read()))
services.import_job_confirm(job=job, by=job.created_by)
job.refresh_from_db()
print(job.status, job.summary["created"])
"""


def test_a_worker_killed_midway_leaves_a_failed_job_and_the_database_unchanged(scratch):
    path = write_xlsx(scratch.path / "roster.xlsx", roster_rows(6000, ["甲锂电有限公司"], seed=41))
    created = scratch.python(CREATE.format(path=str(path)))
    assert created.returncode == 0, created.stderr
    pk = int(created.stdout.strip().splitlines()[-1])
    assert scratch.gonghui("db_worker", "--batch", "--interval", "0.1").returncode == 0  # the check
    confirmed = scratch.python(CONFIRM.format(pk=pk))
    assert confirmed.returncode == 0, confirmed.stderr

    worker = scratch.gonghui_paused_while_writing("db_worker", "--batch", "--interval", "0.1")
    try:
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert scratch.counts() == {"people": 0, "memberships": 0, "audit": 0}

    judged = scratch.python(STALE.format(pk=pk))
    assert judged.returncode == 0, judged.stderr
    outcome = json.loads(judged.stdout.strip().splitlines()[-1])
    # the queue still thinks the task is running: only the silence tells. PostgreSQL writes each chunk
    # as it is checked, so its import was killed while still "importing"; SQLite's was "writing".
    assert outcome["before"] == (
        "importing" if scratch.env["DATABASE_URL"].startswith("postgres") else "writing"
    )
    assert outcome["task"] == "RUNNING"
    assert outcome["status"] == "failed" and "数据库未改变" in outcome["message"]

    again = scratch.python(AGAIN.format(pk=pk))
    assert again.returncode == 0, again.stderr
    assert again.stdout.split() == ["done", "6000"]
    assert scratch.counts() == {"people": 6000, "memberships": 6000, "audit": 6001}
