from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scope import OFFICER_REACH, OFFICERS, ScopedQuerySet, Visibility


class ImportJob(models.Model):
    """One roster file uploaded for one union: checked (a dry run), then, once confirmed, imported.

    The work runs in the background for big files; the page polls status and rows_done.
    """

    class Status(models.TextChoices):
        QUEUED_CHECK = "queued_check", _("等待检查")
        CHECKING = "checking", _("正在检查")
        CHECKED = "checked", _("检查完成，待确认")
        QUEUED_IMPORT = "queued_import", _("等待导入")
        IMPORTING = "importing", _("正在导入")
        WRITING = "writing", _("正在写入数据库")
        DONE = "done", _("导入完成")
        FAILED = "failed", _("失败")

    QUEUED = (Status.QUEUED_CHECK, Status.QUEUED_IMPORT)
    WORKING = (Status.CHECKING, Status.IMPORTING, Status.WRITING)
    RUNNING = (*QUEUED, *WORKING)
    IMPORT_PHASE = (Status.QUEUED_IMPORT, Status.IMPORTING, Status.WRITING)

    union = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("名册文件"), upload_to="rosters/uploads/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED_CHECK)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    # {"rows", "created", "unchanged", "conflicts", "errors"} of the last check or of the import.
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    # The first problems, [[row, column, reason, kind], …], for the page; the report holds them all.
    problems = models.JSONField(_("问题行"), default=list, blank=True)
    error_report = models.FileField(_("问题行报告"), upload_to="rosters/reports/%Y/%m/", blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # The last sign of life: set when the job is queued, when the work starts and on every progress
    # step. A running job that stays silent too long lost its worker (see import_job_fail_if_stale).
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    task_id = models.CharField(_("后台任务"), max_length=64, blank=True)  # of the task queue, when queued
    # Set when the retention period deleted the upload, the error report and the problem rows.
    files_deleted_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)

    class Meta:
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        ordering = ["-created_at", "-id"]
        indexes = [  # the import page's list, within a union and across a federation's
            models.Index(fields=["union", "created_at", "id"], name="importjob_union_created_idx"),
            models.Index(fields=["created_at", "id"], name="importjob_created_idx"),
        ]

    def __str__(self):
        return f"{self.original_name} → {self.union}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
