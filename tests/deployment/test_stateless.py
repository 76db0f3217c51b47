"""An app server keeps nothing of its own (README, "Deployment"): what one request leaves for the next
is in the database or under the shared MEDIA_ROOT, whichever app server answers the next."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection

from gonghui.settings import TASKS


def test_sessions_cache_and_task_queue_live_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert all(isinstance(caches[alias], DatabaseCache) for alias in settings.CACHES)
    assert TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"  # the tests' own run at once
    # uploads are files under the one MEDIA_ROOT every server mounts
    assert isinstance(default_storage, FileSystemStorage)
    assert default_storage.location == str(settings.MEDIA_ROOT)


def test_migrate_makes_the_cache_table(db):
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    call_command("migrate", verbosity=0)
    assert table in connection.introspection.table_names()
    caches["default"].set("deployment-test", 1)
    assert caches["default"].get("deployment-test") == 1
