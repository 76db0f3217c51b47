"""Uploaded files on disk, with a full disk answered as bad input rather than a half-written file.

A save that fails (ENOSPC, EDQUOT) removes its partial file and the files already saved in the
same, still open, transaction — the transaction is about to roll back — and raises a ValidationError,
which the forms show (core.forms.run_service) and which rolls the service's transaction back.
"""

import errno
import threading
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction
from django.utils.translation import gettext as _

DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


class MediaStorage(FileSystemStorage):
    _pending = threading.local()

    def _save(self, name, content):
        path = Path(self.path(name))
        existed = path.exists()
        try:
            saved = super()._save(name, content)
        except OSError as error:
            if not existed:
                path.unlink(missing_ok=True)
            if error.errno not in DISK_FULL:
                raise
            self._discard_pending()
            raise ValidationError(
                _(
                    "服务器磁盘空间不足：文件「%(name)s」没有保存，这次提交的内容也都没有保存。请稍后再试或联系平台管理员"
                )
                % {"name": Path(getattr(content, "name", None) or name).name},
                code="disk_full",
            ) from error
        if connection.in_atomic_block:
            pending = self._names()
            pending.append(saved)
            transaction.on_commit(lambda: saved in pending and pending.remove(saved))
        return saved

    def _names(self) -> list[str]:
        if not hasattr(self._pending, "names"):
            self._pending.names = []
        return self._pending.names

    def _discard_pending(self) -> None:
        names = self._names()
        while names:
            self.delete(names.pop())
