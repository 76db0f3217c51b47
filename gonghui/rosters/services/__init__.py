"""Roster import and export: the rules of PRODUCT.md's roster, at city scale, in one transaction.

An import reads every row (reading.py), classifies it and prepares the new people (checking.py),
then writes every valid row, or none, in one transaction (writing.py). The web runs
it as an import job, in the background for big files (jobs.py). The error report, the export and
the template are written by exports.py; retention.py deletes old uploads and reports.
"""

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
from gonghui.rosters.services.retention import PurgeResult, roster_files_purge
from gonghui.rosters.services.writing import ImportAborted, roster_import

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
