"""Import jobs: the web's upload → check → confirm → import, in the background for big files.

A small file is checked, and once confirmed imported, within the request; a bigger one goes to the
task queue (tasks.py), and the job's page follows its progress. A job whose worker died does not
stay running: once stale it is ended, as failed (nothing was written) or, when its import had
committed, as done with the summary of its audit row.
"""

import io
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.audit import audit_record
from gonghui.core.models import AuditLog
from gonghui.core.scope import get_or_404
from gonghui.orgs.models import Organisation
from gonghui.orgs.selectors import managed_unions
from gonghui.rosters.excel import RosterFileError
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services.checking import ImportResult, Progress
from gonghui.rosters.services.exports import error_report_write
from gonghui.rosters.services.writing import ImportAborted, roster_import

logger = logging.getLogger(__name__)

INLINE_BYTES = 256 * 1024  # about 3,000 rows: checked and imported within the request
PROBLEMS_SHOWN = 2000


def import_job_create(*, union: Organisation, upload, by) -> ImportJob:

    union = get_or_404(managed_unions(by), pk=union.pk)
    job = ImportJob(
        union=union, created_by=by, original_name=Path(upload.name).name[:200], heartbeat_at=timezone.now()
    )
    job.file.save(f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:5]}", upload, save=False)
    with transaction.atomic():
        job.save()
        audit_record(
            actor=by, action="roster.upload", obj=union, detail={"job": job.pk, "file": job.original_name}
        )
    if upload.size <= INLINE_BYTES:
        import_job_run(job=job)
    else:
        transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: ImportJob) -> None:
    from gonghui.rosters import tasks

    task_id = tasks.roster_job_enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=task_id)


def import_job_confirm(*, job: ImportJob, by) -> ImportJob:
    job = get_or_404(ImportJob.objects.writable_by(by), pk=job.pk)
    if job.files_deleted_at is not None:
        raise ValidationError(_("该文件已按保留期限删除，请重新上传"))
    # The check's task id goes with the check: a finished task must not pass for the import's.
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.QUEUED_IMPORT,
        rows_done=0,
        message="",
        task_id="",
        heartbeat_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("该导入已确认或仍在检查中"))
    job.refresh_from_db()
    if job.file.size <= INLINE_BYTES:
        import_job_run(job=job)
    else:
        _enqueue(job)
    return job


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Checks (a dry run) or imports the job's file, whichever its status asks for; records the outcome."""
    importing = job.status == ImportJob.Status.QUEUED_IMPORT
    running = ImportJob.Status.IMPORTING if importing else ImportJob.Status.CHECKING
    started = job.status in ImportJob.QUEUED and ImportJob.objects.filter(
        pk=job.pk, status=job.status
    ).update(status=running, rows_done=0, heartbeat_at=timezone.now())
    if not started:  # run already, or ended meanwhile (failed as stale): never twice
        logger.warning("roster job %s is %s, not queued: not run again", job.pk, job.status)
        return job

    with _JobReports(job) as reports:
        try:
            _run(job, importing=importing, progress=reports.progress, on_write=reports.writing)
        except Exception:
            # A bug, a full disk, a broken database: the job must not stay "running" for it.
            try:
                _close_broken(job, importing=importing, message=UNEXPECTED_MESSAGE)
            except Exception:
                logger.exception("roster job %s: could not record the failure", job.pk)
            raise
    return job


class _JobReports:
    """A running job's progress and heartbeat, for its page and for the stale-job check.

    On PostgreSQL the import's transaction is open while the rows are checked and written, and
    whatever goes through its connection shows only at the commit; so the reports go through a
    connection of their own, a helper thread's, in the order they were made. On SQLite the check
    runs before the transaction (which takes the write lock), and they go straight through."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.thread = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="roster-job")
            if connection.vendor == "postgresql"
            else None
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.thread is not None:
            self.thread.submit(connections.close_all)  # the helper thread's own connection
            self.thread.shutdown(wait=True)

    def _update(self, **fields) -> None:
        running = ImportJob.objects.filter(pk=self.job.pk, status__in=ImportJob.WORKING)  # not once it ended
        try:
            running.update(heartbeat_at=timezone.now(), **fields)
        except DatabaseError:
            logger.exception("roster job %s: could not report progress", self.job.pk)

    def _report(self, **fields) -> None:
        if self.thread is None:
            self._update(**fields)
        else:
            self.thread.submit(self._update, **fields)

    def progress(self, done: int, total: int) -> None:
        self._report(rows_done=done, rows_total=total)

    def writing(self) -> None:
        self._report(status=ImportJob.Status.WRITING)


def _run(job: ImportJob, *, importing: bool, progress: Progress, on_write: Callable[[], None]) -> None:
    try:
        result = roster_import(
            path=Path(job.file.path),
            union=job.union,
            by=job.created_by,
            dry_run=not importing,
            source=_source(job),
            progress=progress,
            on_write=on_write,
        )
    except (RosterFileError, ImportAborted) as e:
        job.status, job.message = ImportJob.Status.FAILED, str(e)[:500]
    else:
        job.status = ImportJob.Status.DONE if importing else ImportJob.Status.CHECKED
        job.summary = result.summary()
        job.rows_total = job.rows_done = result.rows
        job.problems = [[p.row, p.column, p.reason, p.kind] for p in result.problems[:PROBLEMS_SHOWN]]
        if result.problems:
            buffer = io.BytesIO()
            error_report_write(path=Path(job.file.path), problems=result.problems, out=buffer)
            job.error_report.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(buffer.getvalue()), save=False)
        else:
            job.error_report = ""
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "message",
            "summary",
            "rows_total",
            "rows_done",
            "problems",
            "error_report",
            "finished_at",
            "heartbeat_at",
        ]
    )


def _source(job: ImportJob) -> str:
    """The name the import is recorded under (membership notes, the audit row): the file and the job,
    so that a job whose worker died after committing can be recognised by its audit row."""
    return f"{job.original_name} #{job.pk}"


STALE_MESSAGE = gettext_lazy(
    "后台处理意外中断（处理进程已停止或长时间没有进展），本次没有写入任何数据，数据库未改变。请重新上传该文件。"
)
UNEXPECTED_MESSAGE = gettext_lazy(
    "处理时发生意外错误，本次没有写入任何数据，数据库未改变。请重新上传该文件；如再次出现，请联系管理员。"
)
COMMITTED_MESSAGE = gettext_lazy("导入已写入数据库，但后台处理在记录结果前中断；以上汇总取自审计日志。")


def stale_after() -> timedelta:
    return timedelta(minutes=settings.ROSTER_JOB_STALE_MINUTES)


def _stale(job: ImportJob, now: datetime) -> bool:
    """Whether a running job lost its worker: the queue says its task ended (the worker finished or
    failed without completing the job), or it has shown no progress for stale_after()."""
    from gonghui.rosters import tasks

    if not job.is_running:
        return False
    task = tasks.roster_job_status(job.task_id)
    if task in ("SUCCESSFUL", "FAILED"):
        return True
    if job.heartbeat_at is not None and job.heartbeat_at >= now - stale_after():
        return False
    if job.status in ImportJob.WORKING:
        return True
    # Queued: waiting for a worker is not a failure, as long as the queue holds the task.
    return task in (None, tasks.MISSING)


def _close_broken(
    job: ImportJob, *, importing: bool, message, now: datetime | None = None, expected: dict | None = None
) -> bool:
    """Ends a job whose work broke off. The import is one transaction, so either its audit row exists
    (it committed: the job is done, with the audit row's summary) or nothing was written (failed).

    `expected` holds the state the caller judged (status, heartbeat), so that a worker that moved on in
    the meantime is not overruled. Returns whether this call ended the job."""
    now = now or timezone.now()
    committed = None
    if importing:
        committed = (
            AuditLog.objects.filter(
                action="roster.import",
                object_type=Organisation._meta.label_lower,
                object_id=str(job.union_id),
                detail__file=_source(job),
            )
            .values_list("detail", flat=True)
            .first()
        )
    if committed:
        summary = {key: committed.get(key, 0) for key in ImportResult().summary()}
        fields = {"status": ImportJob.Status.DONE, "summary": summary, "message": str(COMMITTED_MESSAGE)}
    else:
        fields = {"status": ImportJob.Status.FAILED, "message": str(message)[:500]}
    updated = ImportJob.objects.filter(pk=job.pk, **(expected or {})).update(finished_at=now, **fields)
    if updated:
        logger.warning("roster job %s (%s) ended as %s: %s", job.pk, job.status, fields["status"], message)
    return bool(updated)


def import_job_fail_if_stale(*, job: ImportJob, now: datetime | None = None) -> ImportJob:
    """A job whose worker died (killed, out of memory, the machine restarted) must not stay running for
    ever: once stale it is shown as failed — the database unchanged, the file can be uploaded again —
    or as done when its import had committed. Called whenever a job is looked at."""
    now = now or timezone.now()
    if _stale(job, now):
        expected = {"status": job.status, "heartbeat_at": job.heartbeat_at}
        importing = job.status in ImportJob.IMPORT_PHASE
        if _close_broken(job, importing=importing, message=STALE_MESSAGE, now=now, expected=expected):
            job.refresh_from_db()
    return job
