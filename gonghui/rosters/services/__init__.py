"""Roster import and export: the rules of PRODUCT.md's roster, at city scale, in one transaction.

An import checks every row — reads, validates and classifies it as a new member, unchanged (already
an active member of this union), a conflict (active in another union) or an error — and prepares
each new person (ID number hashed and encrypted, pinyin computed), chunk by chunk; a dry run stops
there. The prepared rows are then inserted (COPY on PostgreSQL) with the membership history and the
audit rows, in one transaction: either every valid row lands or none does, and a crash or a kill
leaves the database as it was. The database's own constraints (one person per ID number, one
active membership per person) guard against anything that changed while the file was checked.

When the rows are written depends on the database. PostgreSQL's transaction opens before the check,
and each checked chunk is written at once: the server inserts one chunk while the check workers
prepare the next. SQLite's transaction takes the database's write lock, so there the prepared rows
go to a spool file (memory stays flat for a million rows) and are written after the check, holding
the lock only as long as the write takes.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services.exports import (
    EXPORT_HEADERS,
    error_report_write,
    roster_export,
    roster_template_write,
)
from gonghui.rosters.services.jobs import (
    import_job_confirm,
    import_job_create,
    import_job_fail_if_stale,
    import_job_run,
    stale_after,
)
from gonghui.rosters.services.reading import Problem
from gonghui.rosters.services.writing import ImportAborted, audit_actor, roster_import

__all__ = [
    "EXPORT_HEADERS",
    "ImportAborted",
    "Problem",
    "PurgeResult",
    "error_report_write",
    "import_job_confirm",
    "import_job_create",
    "import_job_fail_if_stale",
    "import_job_run",
    "roster_export",
    "roster_files_purge",
    "roster_import",
    "roster_template_write",
    "stale_after",
]


# -- retention: uploads and error reports are personal data, kept only for a set period -----------


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
            **audit_actor(by),
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
