from django.db.models import QuerySet

from gonghui.rosters.models import ImportJob


def import_job_list(user) -> QuerySet[ImportJob]:
    """The roster imports of the unions this user manages, newest first, with union and uploader."""
    return (
        ImportJob.objects.writable_by(user)
        .select_related("union", "created_by")
        .order_by("-created_at", "-id")
    )
