"""PostgreSQL: the import writes each chunk as it is checked, inside one open transaction, while the
job's progress goes out through a connection of its own, so its page moves during the import."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from gonghui.members.models import Membership, Person
from gonghui.rosters import services
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services import checking, writing
from gonghui.rosters.tests.files import roster_rows, write_xlsx

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes after the check"),
    pytest.mark.django_db(transaction=True),
]


def seen_by_another_session(job: ImportJob) -> tuple[int, int, int]:
    """(the job's rows done, people, memberships) as another connection sees them."""

    def look():
        try:
            return (
                ImportJob.objects.get(pk=job.pk).rows_done,
                Person.objects.count(),
                Membership.objects.count(),
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(look).result()


def test_progress_shows_while_the_written_chunks_stay_invisible_until_the_commit(
    tmp_path, settings, monkeypatch, admin_a, union_a, enterprise_a
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(checking, "CHUNK", 500)
    path = write_xlsx(tmp_path / "名册.xlsx", roster_rows(1500, [enterprise_a.name]))
    job = services.import_job_create(
        union=union_a, upload=SimpleUploadedFile("名册.xlsx", path.read_bytes()), by=admin_a
    )
    assert job.status == ImportJob.Status.CHECKED  # a small file: checked within the request

    seen, added = [], []
    add = writing.ChunkWriter.add

    def add_and_look(self, prepared, selection):
        add(self, prepared, selection)
        added.append(len(selection))
        if len(added) == 2:  # two chunks are written; the first one's progress is reported
            deadline = time.monotonic() + 10
            while (looked := seen_by_another_session(job))[0] == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            seen.append(looked)

    monkeypatch.setattr(writing.ChunkWriter, "add", add_and_look)
    services.import_job_confirm(job=job, by=admin_a)  # and imported within the request

    assert seen == [(500, 0, 0)]  # 1,000 rows checked and written, none visible yet
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.summary["created"] == 1500
    assert seen_by_another_session(job) == (1500, 1500, 1500)
