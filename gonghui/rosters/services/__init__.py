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

import io
import logging
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gonghui.core import crypto, scoping
from gonghui.core.audit import audit_record
from gonghui.core.models import AuditLog
from gonghui.core.validators import mask_mobile
from gonghui.orgs.models import Enterprise, Organisation
from gonghui.rosters import excel
from gonghui.rosters.excel import COLUMNS, RosterFileError
from gonghui.rosters.models import ImportJob
from gonghui.rosters.services.checking import ImportResult, Progress
from gonghui.rosters.services.reading import EXAMPLE_ID_NUMBER, Problem
from gonghui.rosters.services.writing import ImportAborted, audit_actor, roster_import

logger = logging.getLogger(__name__)


# -- reports and exports ---------------------------------------------------------------------------


def error_report_write(*, path: Path, problems: list[Problem], out) -> int:
    """The original rows that had a problem, in their order, each with a reason column."""
    by_row: dict[int, list[Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    sheet = excel.open_roster(path)

    def rows():
        for number, cells in sheet.rows():
            if number in by_row:
                cells = list(cells) + [""] * (len(sheet.headers) - len(cells))
                reasons = "；".join(
                    f"{p.column}：{p.reason}" if p.column else p.reason for p in by_row[number]
                )
                yield [
                    number,
                    *(excel.cell_text(c) if not isinstance(c, date) else c for c in cells),
                    reasons,
                ]

    headers = [_("原行号"), *sheet.headers, _("问题")]
    widths = [8, *(14 for _h in sheet.headers), 60]
    return excel.write_rows(out, headers, rows(), widths=widths, text_columns=range(1, len(headers) - 1))


EXPORT_HEADERS = [c.header for c in COLUMNS] + [excel.EXPORT_UNION_HEADER]


def export_queryset(user, org: Organisation, *, reveal: bool = False):
    """The export's rows; the ID column is the ciphertext when revealing, else the masked number."""
    return (
        scoping.visible_memberships(user)
        .active()
        .filter(Q(union__path__startswith=org.path))
        .order_by("union__path", "person__name_pinyin", "person_id")
        .values_list(
            "person__name",
            "person__id_encrypted" if reveal else "person__id_masked",
            "person__mobile",
            "enterprise__name",
            "started_on",
            "person__gender",
            "person__ethnicity",
            "person__education",
            "person__occupation",
            "person__skill_level",
            "card_number",
            "union__name",
        )
    )


def roster_export(*, user, org: Organisation, out) -> int:
    """Writes the active members under org that the user may see, in the template's columns plus the
    union, streaming. ID numbers and phones in full only for a role that may reveal them. Audited."""
    org = scoping.get_or_404(scoping.visible_organisations(user), pk=org.pk)
    reveal = scoping.may_reveal_id_number(user)
    decrypt = crypto.decrypt
    genders = {"M": "男", "F": "女"}

    def rows():
        for row in export_queryset(user, org, reveal=reveal).iterator(chunk_size=5000):
            name, id_number, mobile, enterprise, started_on, gender, *profile = row
            yield (
                name,
                decrypt(id_number) if reveal else id_number,
                mobile if reveal else mask_mobile(mobile),
                enterprise or "",
                started_on,
                genders.get(gender, ""),
                *profile,  # ethnicity, education, occupation, skill level, card number, union
            )

    widths = [c.width for c in COLUMNS] + [24]
    text_columns = [i for i, c in enumerate(COLUMNS) if c.text]
    count = excel.write_rows(out, EXPORT_HEADERS, rows(), widths=widths, text_columns=text_columns)
    with transaction.atomic():
        audit_record(
            **audit_actor(user),
            action="roster.export",
            obj=org,
            detail={"org": org.code, "rows": count, "masked": not reveal},
        )
    return count


def roster_template_write(*, out, union: Organisation | None = None) -> None:
    """The template; for a union, its enterprises are listed (and offered as a dropdown when few)."""
    enterprises = (
        list(Enterprise.objects.filter(union=union).values_list("name", "credit_code")) if union else []
    )
    example = {
        "name": "张三",
        "id_number": EXAMPLE_ID_NUMBER,
        "mobile": "13800138000",
        "enterprise": enterprises[0][0] if enterprises else "某某锂电有限公司",
        "started_on": date(2024, 3, 1),
        "gender": "男",
        "ethnicity": "汉族",
        "education": "大专",
        "occupation": "电工",
        "skill_level": "中级工",
        "card_number": "",
    }
    excel.write_template(out, enterprises=enterprises, example=example)


# -- import jobs: the web's upload → check → confirm → import, in the background for big files -----

INLINE_BYTES = 256 * 1024  # about 3,000 rows: checked and imported within the request
PROBLEMS_SHOWN = 2000


def import_job_create(*, union: Organisation, upload, by) -> ImportJob:

    union = scoping.get_or_404(scoping.managed_unions(by).filter(dissolved_on__isnull=True), pk=union.pk)
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


STALE_MESSAGE = _lazy(
    "后台处理意外中断（处理进程已停止或长时间没有进展），本次没有写入任何数据，数据库未改变。请重新上传该文件。"
)
UNEXPECTED_MESSAGE = _lazy(
    "处理时发生意外错误，本次没有写入任何数据，数据库未改变。请重新上传该文件；如再次出现，请联系管理员。"
)
COMMITTED_MESSAGE = _lazy("导入已写入数据库，但后台处理在记录结果前中断；以上汇总取自审计日志。")


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
