"""Retention: uploaded rosters and error reports are personal data, kept only for a set period.

The purge runs daily (`gonghui purge-roster-files`, whose period is ROSTER_FILES_KEEP_DAYS days
unless told otherwise).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services.jobs import import_job_fail_if_stale


@dataclass
class PurgeResult:
    jobs: int = 0
    files: int = 0


ROSTER_FILE_DIRS = ("rosters/uploads", "rosters/reports")


def roster_files_purge(*, days: int, by, now: datetime | None = None) -> PurgeResult:
    """Deletes the uploaded rosters and error reports of jobs uploaded more than `days` days ago, with
    the problem rows kept for their pages (they quote names and unions). The job stays, with its
    summary, as the record of the import. Files under rosters/ that no job keeps (an upload whose job
    was never saved, a purge cut short) go too, once as old. A running job keeps its file unless it
    turns out stale. The purge is audited."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    old = ImportJob.objects.filter(created_at__lt=cutoff, files_deleted_at__isnull=True)
    for job in old.filter(status__in=ImportJob.RUNNING):
        import_job_fail_if_stale(job=job, now=now)
    jobs = old.exclude(status__in=ImportJob.RUNNING)
    names = [name for pair in jobs.values_list("file", "error_report") for name in pair if name]
    result = PurgeResult()
    with transaction.atomic():
        result.jobs = jobs.update(file="", error_report="", problems=[], files_deleted_at=now)
        audit_record(
            actor=by,
            action="roster.purge",
            detail={"days": days, "jobs": result.jobs, "files": len(names)},
        )
    # the rows no longer point at the files: delete them, and whatever else is old and unclaimed
    storage = ImportJob._meta.get_field("file").storage
    kept = {name for pair in ImportJob.objects.values_list("file", "error_report") for name in pair if name}
    for name in [*names, *_old_files(storage, cutoff)]:
        if name not in kept and storage.exists(name):
            storage.delete(name)
            result.files += 1
    return result


def _old_files(storage, cutoff: datetime) -> Iterator[str]:
    pending = [d for d in ROSTER_FILE_DIRS if storage.exists(d)]
    while pending:
        directory = pending.pop()
        subdirs, files = storage.listdir(directory)
        pending += [f"{directory}/{d}" for d in subdirs]
        for f in files:
            name = f"{directory}/{f}"
            if storage.get_modified_time(name) < cutoff:
                yield name
