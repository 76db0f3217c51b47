import logging

from django.db import InterfaceError, OperationalError


class DatabaseUnavailable(logging.Filter):
    """A request that finds the database gone is answered 503 (gonghui.ops.views.server_error) and
    logged by django.request with its traceback, several KB each: during an outage every request
    writes one, a flood that fills the log and, written to a pipe that cannot keep up, holds the
    worker thread writing it. Such a record is kept to one line naming the database's error."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OperationalError | InterfaceError):
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            record.msg = f"{record.msg} (database unavailable: {reason.replace('%', '%%')})"
            record.exc_info = record.exc_text = None
        return True
