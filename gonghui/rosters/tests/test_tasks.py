"""A real background import: the database task backend and `gonghui db_worker`, in their own processes."""

import json

from gonghui.rosters.tests.files import roster_rows, write_xlsx

CREATE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from gonghui.accounts.models import User
from gonghui.orgs.models import Organisation
from gonghui.rosters import services
services.INLINE_BYTES = 0  # whatever its size, this file goes to the worker
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
services.INLINE_BYTES = 0
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
