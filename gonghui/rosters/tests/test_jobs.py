"""Job state: a job whose worker died does not stay running for ever; a job never runs twice."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.demo.fake import Faker
from gonghui.members.models import Membership
from gonghui.rosters import services
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services import jobs
from gonghui.rosters.tests.files import member_row, write_xlsx

pytestmark = pytest.mark.django_db

UNCHANGED = "数据库未改变"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queued_job(
    settings, tmp_path, media, admin_a, union_a, enterprise_a, monkeypatch, django_capture_on_commit_callbacks
):
    """A job in the database task queue, as in production; nothing runs the queue in these tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(jobs, "INLINE_BYTES", 0)
    with django_capture_on_commit_callbacks(execute=True):
        job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    job.refresh_from_db()
    return job


def new_job(tmp_path, union, enterprise, by, rows=3) -> ImportJob:
    faker = Faker(seed=11)
    path = write_xlsx(tmp_path / "名册.xlsx", [member_row(faker, enterprise.name) for _ in range(rows)])
    upload = SimpleUploadedFile("名册.xlsx", path.read_bytes())
    return services.import_job_create(union=union, upload=upload, by=by)


def as_if(job: ImportJob, status, *, silent_for: timedelta) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(status=status, heartbeat_at=timezone.now() - silent_for)
    job.refresh_from_db()
    return job


def test_a_job_silent_past_the_limit_shows_failed_and_the_file_can_be_uploaded_again(
    client, tmp_path, media, admin_a, union_a, enterprise_a
):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)  # small: checked within the request
    assert job.status == ImportJob.Status.CHECKED
    # the worker was killed while writing: its transaction rolled back, the job says "writing"
    as_if(job, ImportJob.Status.WRITING, silent_for=services.stale_after() + timedelta(seconds=1))

    client.force_login(admin_a)
    page = client.get(reverse("rosters:job", args=[job.pk]), headers={"HX-Request": "true"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert UNCHANGED in job.message and "请重新上传" in job.message
    assert "失败" in page.text and UNCHANGED in page.text and "hx-trigger" not in page.text
    assert f"{reverse('rosters:import')}?union=UA" in page.text  # 重新上传
    assert not Membership.objects.exists()

    again = new_job(tmp_path, union_a, enterprise_a, admin_a)
    services.import_job_confirm(job=again, by=admin_a)
    again.refresh_from_db()
    assert again.status == ImportJob.Status.DONE and Membership.objects.count() == 3


def test_the_import_page_fails_stale_jobs_in_its_list(
    client, tmp_path, media, admin_a, union_a, enterprise_a
):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    as_if(job, ImportJob.Status.CHECKING, silent_for=timedelta(hours=2))
    client.force_login(admin_a)
    page = client.get(reverse("rosters:import"))
    assert "失败" in page.text
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


@pytest.mark.parametrize("status", ImportJob.WORKING)
def test_a_working_job_with_recent_progress_is_left_alone(
    tmp_path, media, admin_a, union_a, enterprise_a, status
):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    job = as_if(job, status, silent_for=services.stale_after() - timedelta(seconds=5))
    assert services.import_job_fail_if_stale(job=job).status == status
    assert ImportJob.objects.get(pk=job.pk).status == status


def test_a_queued_job_waits_for_a_worker_as_long_as_the_queue_holds_its_task(client, queued_job, admin_a):
    job, task = queued_job, DBTaskResult.objects.get()
    assert job.status == ImportJob.Status.QUEUED_CHECK and job.task_id == str(task.id)
    later = timezone.now() + timedelta(days=1)
    assert services.import_job_fail_if_stale(job=job, now=later).status == ImportJob.Status.QUEUED_CHECK
    client.force_login(admin_a)
    assert "gonghui db_worker" in client.get(reverse("rosters:job", args=[job.pk])).text

    task.delete()  # the queue lost it (emptied by hand, another database): nothing will run it
    assert services.import_job_fail_if_stale(job=job).status == ImportJob.Status.QUEUED_CHECK  # not yet
    failed = services.import_job_fail_if_stale(job=job, now=later)
    assert failed.status == ImportJob.Status.FAILED and UNCHANGED in failed.message


@pytest.mark.parametrize("task_status", ["FAILED", "SUCCESSFUL"])
def test_a_job_whose_task_ended_without_completing_it_fails_at_once(queued_job, task_status):
    DBTaskResult.objects.update(status=task_status, finished_at=timezone.now())
    job = as_if(queued_job, ImportJob.Status.CHECKING, silent_for=timedelta(seconds=1))
    failed = services.import_job_fail_if_stale(job=job)
    assert failed.status == ImportJob.Status.FAILED and UNCHANGED in failed.message


def test_a_job_whose_import_committed_before_its_worker_died_is_done(
    tmp_path, media, admin_a, union_a, enterprise_a
):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    services.import_job_confirm(job=job, by=admin_a)
    # the worker died between the commit and recording the outcome
    ImportJob.objects.filter(pk=job.pk).update(summary={}, finished_at=None)
    job = as_if(job, ImportJob.Status.WRITING, silent_for=timedelta(hours=1))
    done = services.import_job_fail_if_stale(job=job)
    assert done.status == ImportJob.Status.DONE and "审计日志" in done.message
    assert done.summary == {"rows": 3, "created": 3, "unchanged": 0, "conflicts": 0, "errors": 0}
    assert Membership.objects.filter(note__endswith=f"名册.xlsx #{job.pk}").count() == 3


def test_a_stale_judgement_does_not_overrule_a_worker_that_moved_on(
    tmp_path, media, admin_a, union_a, enterprise_a
):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    job = as_if(job, ImportJob.Status.CHECKING, silent_for=timedelta(hours=1))
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())  # progress, just now
    assert services.import_job_fail_if_stale(job=job).status == ImportJob.Status.CHECKING


def test_an_unexpected_error_fails_the_job_and_is_raised(
    tmp_path, media, admin_a, union_a, enterprise_a, monkeypatch
):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED_IMPORT)
    job.refresh_from_db()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "roster_import", broken)
    with pytest.raises(RuntimeError):
        services.import_job_run(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and UNCHANGED in job.message


def test_a_job_never_runs_twice(tmp_path, media, admin_a, union_a, enterprise_a):
    job = new_job(tmp_path, union_a, enterprise_a, admin_a)
    services.import_job_confirm(job=job, by=admin_a)
    job.refresh_from_db()
    stamp = job.finished_at
    services.import_job_run(job=job)  # the queue delivered the task again
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.finished_at == stamp
    assert Membership.objects.count() == 3
