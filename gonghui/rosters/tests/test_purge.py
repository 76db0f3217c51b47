"""Retention: uploaded rosters and error reports are personal data, deleted after a set period."""

import os
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.scope import SystemActor
from gonghui.demo.fake import Faker
from gonghui.rosters import services
from gonghui.rosters.models import ImportJob
from gonghui.rosters.tests.files import member_row, write_xlsx
from gonghui.rosters.tests.test_commands import command

pytestmark = pytest.mark.django_db
OPERATOR = SystemActor("root")


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def checked_job(tmp_path, union, enterprise, by, *, days_ago: int) -> ImportJob:
    """A job checked within the request (one good row, one with an unknown employer: a report),
    uploaded `days_ago` days ago."""
    faker = Faker(seed=days_ago)
    rows = [member_row(faker, enterprise.name), member_row(faker, "无名公司")]
    path = write_xlsx(tmp_path / f"名册{days_ago}.xlsx", rows)
    job = services.import_job_create(
        union=union, upload=SimpleUploadedFile(path.name, path.read_bytes()), by=by
    )
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.file and job.error_report and job.problems
    return job


def files_of(job) -> list[str]:
    return [job.file.path, job.error_report.path]


def test_files_past_the_period_are_deleted_and_the_job_stays_as_a_record(
    client, tmp_path, media, admin_a, union_a, enterprise_a
):
    old = checked_job(tmp_path, union_a, enterprise_a, admin_a, days_ago=31)
    recent = checked_job(tmp_path, union_a, enterprise_a, admin_a, days_ago=29)
    old_files, recent_files = files_of(old), files_of(recent)

    result = services.roster_files_purge(days=30, by=OPERATOR)

    assert (result.jobs, result.files) == (1, 2)
    assert not any(os.path.exists(f) for f in old_files)
    assert all(os.path.exists(f) for f in recent_files)
    old.refresh_from_db()
    assert not old.file and not old.error_report and old.problems == [] and old.files_deleted_at
    assert old.summary["errors"] == 1 and old.original_name == "名册31.xlsx"  # the record stays
    audit = AuditLog.objects.get(action="roster.purge")
    assert audit.actor_username == "system:root" and audit.detail == {"days": 30, "jobs": 1, "files": 2}

    client.force_login(admin_a)
    page = client.get(reverse("rosters:job", args=[old.pk])).text
    assert "按保留期限删除" in page and "无名公司" not in page and "确认导入" not in page
    assert client.get(reverse("rosters:report", args=[old.pk])).status_code == 404
    with pytest.raises(ValidationError, match="重新上传"):
        services.import_job_confirm(job=old, by=admin_a)

    assert services.roster_files_purge(days=30, by=OPERATOR) == services.PurgeResult(0, 0)  # once


def test_a_running_job_keeps_its_file_unless_it_is_stale(tmp_path, media, admin_a, union_a, enterprise_a):
    job = checked_job(tmp_path, union_a, enterprise_a, admin_a, days_ago=40)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, heartbeat_at=timezone.now())
    assert services.roster_files_purge(days=30, by=OPERATOR).jobs == 0
    assert all(os.path.exists(f) for f in files_of(job))

    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(days=1))
    assert services.roster_files_purge(days=30, by=OPERATOR).jobs == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.files_deleted_at


def test_old_files_no_job_keeps_are_deleted_too(tmp_path, media, admin_a, union_a, enterprise_a):
    kept = checked_job(tmp_path, union_a, enterprise_a, admin_a, days_ago=1)
    stray = media / "rosters" / "uploads" / "2024" / "01"
    stray.mkdir(parents=True)
    old, young = stray / "old.xlsx", stray / "young.xlsx"
    for f in (old, young):
        f.write_bytes(b"PK")
    long_ago = (timezone.now() - timedelta(days=31)).timestamp()
    os.utime(old, (long_ago, long_ago))
    os.utime(kept.file.path, (long_ago, long_ago))  # an old file, but its job is recent: kept

    assert services.roster_files_purge(days=30, by=OPERATOR) == services.PurgeResult(0, 1)
    assert not old.exists() and young.exists() and os.path.exists(kept.file.path)


def test_the_command_purges_and_says_what_it_did(tmp_path, media, admin_a, union_a, enterprise_a, settings):
    checked_job(tmp_path, union_a, enterprise_a, admin_a, days_ago=8)
    checked_job(tmp_path, union_a, enterprise_a, admin_a, days_ago=3)
    settings.ROSTER_FILES_KEEP_DAYS = 30
    assert command("purge_roster_files", "--days", "7") == (
        0,
        "已删除 1 次名册导入的文件，共 2 个（保留最近 7 天内上传的）\n",
        "",
    )
    assert command("purge_roster_files", "--days", "-1")[0] == 2
    assert ImportJob.objects.filter(files_deleted_at__isnull=True).count() == 1
