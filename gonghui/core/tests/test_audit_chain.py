"""The audit log's hash chain: every row linked to the one before by an HMAC whose key is not in the
database; drills that delete, edit and splice rows behind the application's back, in the SQLite
file and on PostgreSQL, and `gonghui audit-verify` naming the first break; the application's
PostgreSQL role that may only read and append; pruning past the retention period; signed exports."""

import json
import sqlite3
import threading
from datetime import timedelta

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.audit import audit_record
from gonghui.core.models import AuditChain, AuditLog
from gonghui.core.scope import SystemActor

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def verify_message() -> str:
    with pytest.raises(CommandError) as refused:
        call_command("audit_verify")
    assert refused.value.returncode == 1
    return str(refused.value)


def write(n: int, actor, **columns) -> list[AuditLog]:
    return [
        audit_record(actor=actor, action="test.step", detail={"n": i, "城市": "南昌"}, **columns)
        for i in range(n)
    ]


def behind_the_apps_back(sql: str, params=()) -> None:
    """What someone holding the database does: the triggers out of the way, then the statement."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER core_auditlog_no_update")
            cursor.execute("DROP TRIGGER core_auditlog_no_delete")
            cursor.execute(sql, params)
            cursor.execute("CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog "
                           "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")  # fmt: skip
            cursor.execute("CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog "
                           "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")  # fmt: skip


def test_each_row_is_chained_to_the_one_before_and_the_chain_verifies(admin_a, capsys):
    rows = write(3, admin_a, ip="2001:DB8::0:1")
    stored = list(AuditLog.objects.order_by("seq"))
    assert [r.seq for r in stored] == [r.seq for r in rows] == list(range(rows[0].seq, rows[0].seq + 3))
    assert [r.prev_hash for r in stored[1:]] == [r.hash for r in stored[:-1]]
    assert AuditChain.objects.get().head_hash == stored[-1].hash
    call_command("audit_verify")
    assert "审计日志完好：链上 3 条记录" in capsys.readouterr().out


def test_an_audit_record_costs_two_queries(admin_a, django_assert_num_queries):
    """The head row's lock (which also hands back the last hash), then the insert."""
    audit_record(actor=admin_a, action="test.first")
    with django_assert_num_queries(2):
        audit_record(actor=admin_a, action="test.step")
    with django_assert_num_queries(2):
        audit.append([AuditLog(actor_username="x", action="test.bulk") for _ in range(50)])
    assert audit.verify() == (52, None)


def test_the_database_refuses_to_delete_an_audit_row(admin_a):
    entry = audit_record(actor=admin_a, action="test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [entry.pk])
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_a_row_deleted_behind_the_apps_back_is_named(admin_a):
    rows = write(4, admin_a)
    behind_the_apps_back("DELETE FROM core_auditlog WHERE id = %s", [rows[1].pk])
    assert f"第 {rows[1].seq} 条已被删除" in verify_message()


def test_a_row_edited_behind_the_apps_back_is_named(admin_a):
    rows = write(3, admin_a)
    behind_the_apps_back(
        "UPDATE core_auditlog SET actor_username = 'someone_else' WHERE id = %s", [rows[1].pk]
    )
    assert f"第 {rows[1].seq} 条（编号 {rows[1].pk}）被改动" in verify_message()


def test_a_row_spliced_in_from_another_chain_is_named(admin_a):
    """Even with the key (a row of another site's log under the same key): its link does not fit."""
    rows = write(3, admin_a)
    forged = AuditLog(
        actor_username="intruder", action="test.step", at=rows[1].at, seq=rows[1].seq, prev_hash="0" * 64
    )
    forged.hash = audit.row_hash(audit.row_content(forged))
    behind_the_apps_back(
        "UPDATE core_auditlog SET actor_id = NULL, actor_username = %s, detail = %s, prev_hash = %s, hash = %s "
        "WHERE id = %s",
        ["intruder", "{}", forged.prev_hash, forged.hash, rows[1].pk],
    )
    assert f"第 {rows[1].seq} 条（编号 {rows[1].pk}）插在了不属于它的位置" in verify_message()


def test_the_last_rows_deleted_are_named_by_the_head(admin_a):
    rows = write(3, admin_a)
    behind_the_apps_back("DELETE FROM core_auditlog WHERE seq >= %s", [rows[1].seq])
    assert f"链尾自第 {rows[1].seq} 条起已被删除" in verify_message()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_drill_a_row_deleted_in_the_sqlite_file_is_caught(admin_a):
    """The drill: another process opens the database file. Without the app's function the trigger
    refuses even the sqlite3 shell; dropping the trigger first, the delete goes through and
    audit-verify names the row."""
    rows = write(5, admin_a)
    path = connection.settings_dict["NAME"]
    outside = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such function: gonghui_audit_sealed"):
            outside.execute("DELETE FROM core_auditlog WHERE id = ?", [rows[2].pk])
        (trigger,) = outside.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'core_auditlog_no_delete'"
        ).fetchone()
        outside.execute("DROP TRIGGER core_auditlog_no_delete")
        outside.execute("DELETE FROM core_auditlog WHERE id = ?", [rows[2].pk])
        outside.execute(trigger)
    finally:
        outside.close()
    assert (
        f"第 {rows[2].seq} 条已被删除（缺了 1 条，其后是第 {rows[3].seq} 条，编号 {rows[3].pk}）"
        in verify_message()
    )


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_drill_a_row_deleted_on_postgresql_is_caught(admin_a):
    """The drill: the database's owner, on its own connection, disables the trigger and deletes."""
    rows = write(5, admin_a)
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
                         dbname=settings["NAME"], autocommit=True) as outside:  # fmt: skip
        outside.execute("ALTER TABLE core_auditlog DISABLE TRIGGER core_auditlog_no_update")
        outside.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[2].pk])
        outside.execute("ALTER TABLE core_auditlog ENABLE TRIGGER core_auditlog_no_update")
    assert (
        f"第 {rows[2].seq} 条已被删除（缺了 1 条，其后是第 {rows[3].seq} 条，编号 {rows[3].pk}）"
        in verify_message()
    )


@on_postgresql
def test_the_application_role_may_only_read_and_append_to_the_audit_log(admin_a):
    """The rights `gonghui migrate --database owner` grants DATABASE_URL's role, tried as that role."""
    audit_record(actor=admin_a, action="test.before")
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE gonghui_app_probe NOLOGIN")  # rolled back with the test
        for statement in audit.application_grants("gonghui_app_probe"):
            cursor.execute(statement)
        cursor.execute("SET ROLE gonghui_app_probe")
        try:
            entry = audit_record(actor=admin_a, action="test.as_app")
            assert AuditLog.objects.filter(pk=entry.pk).exists()
            for statement in (
                "UPDATE core_auditlog SET action = 'forged'",
                "DELETE FROM core_auditlog",
                "TRUNCATE core_auditlog",
                "UPDATE core_auditchain SET anchor_seq = 99",
                "DELETE FROM core_auditchain",
            ):
                with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                    cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")
    assert audit.verify() == (2, None)


def test_prune_inside_the_retention_period_is_refused(admin_a):
    write(2, admin_a)
    inside = timezone.localdate() - timedelta(days=179)
    with pytest.raises(CommandError) as refused:
        call_command("audit_prune", "--before", inside.isoformat())
    assert "在保留期内：审计日志至少保留 180 天" in str(refused.value)
    with pytest.raises(CommandError, match="不是日期"):
        call_command("audit_prune", "--before", "2026-13-01")
    assert AuditLog.objects.count() == 2 and not AuditLog.objects.filter(action="audit.prune").exists()


def test_prune_anchors_the_chain_and_is_audited(admin_a, capsys):
    now = timezone.now()
    old = audit.append(
        [AuditLog(actor_username="a", action="test.old", at=now - timedelta(days=400 - i)) for i in range(3)]
    )
    young = write(2, admin_a)
    before = timezone.localdate() - timedelta(days=200)
    call_command("audit_prune", "--before", before.isoformat())
    assert "已清理" in capsys.readouterr().out
    assert not AuditLog.objects.filter(pk__in=[r.pk for r in old]).exists()
    chain = AuditChain.objects.get()
    assert (chain.anchor_seq, chain.anchor_hash) == (old[-1].seq, old[-1].hash)
    pruned = AuditLog.objects.get(action="audit.prune")
    assert pruned.actor_username.startswith("system:") and pruned.detail["deleted"] == 3
    assert audit.verify() == (3, None)
    behind_the_apps_back("DELETE FROM core_auditlog WHERE id = %s", [young[0].pk])
    assert f"第 {young[0].seq} 条已被删除" in verify_message()


def test_prune_stops_at_the_first_younger_row_and_a_forged_anchor_is_caught(admin_a):
    """The chain's order is the order of writing: an old row written after a young one stays."""
    now = timezone.now()
    audit.append([AuditLog(actor_username="a", action="test.old", at=now - timedelta(days=400))])
    write(1, admin_a)
    late = audit.append([AuditLog(actor_username="a", action="test.old", at=now - timedelta(days=300))])
    assert audit.prune(before=timezone.localdate() - timedelta(days=200), actor=SystemActor("ops")) == 1
    assert AuditLog.objects.filter(pk=late[0].pk).exists()
    AuditChain.objects.update(anchor_seq=late[0].seq)
    assert "链的起点（清理后的锚点）被改动" in verify_message()


def test_export_is_signed_and_a_tampered_or_missing_line_is_caught(admin_a, tmp_path, capsys):
    write(3, admin_a)
    path = tmp_path / "audit.jsonl"
    call_command(
        "audit_export",
        "--since",
        (timezone.localdate() - timedelta(days=1)).isoformat(),
        "--output",
        str(path),
    )
    key = audit.export_public_key()
    assert key in capsys.readouterr().out
    lines = path.read_text().splitlines(keepends=True)
    assert len(lines) == 4 and json.loads(lines[3])["row"]["action"] == "audit.export"
    assert json.loads(lines[0])["row"]["detail"] == {"n": 0, "城市": "南昌"}
    call_command("audit_verify", "--export", str(path), "--public-key", key)
    assert "4 行，签名和前后衔接一致" in capsys.readouterr().out

    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text(lines[0] + lines[1].replace('"南昌"', '"赣州"') + lines[2])
    with pytest.raises(CommandError, match="第 2 行签名不符或格式不对"):
        call_command("audit_verify", "--export", str(tampered), "--public-key", key)
    missing = tmp_path / "missing.jsonl"
    missing.write_text(lines[0] + lines[2])
    with pytest.raises(CommandError, match="第 2 行前缺了记录"):
        call_command("audit_verify", "--export", str(missing), "--public-key", key)
    with pytest.raises(CommandError, match="公钥格式不对"):
        call_command("audit_verify", "--export", str(path), "--public-key", "not-a-key")
    with pytest.raises(CommandError, match="不覆盖已有的文件"):
        call_command("audit_export", "--since", "2026-01-01", "--output", str(path))


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(admin_a):
    start, failures = threading.Barrier(4), []

    def writer():
        try:
            start.wait()
            for _ in range(10):
                with transaction.atomic():
                    audit_record(actor=admin_a, action="test.concurrent")
        except Exception as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert audit.verify() == (40, None)


def test_a_bulk_writer_chains_its_rows_through_the_appender(admin_a):
    """audit.chain (for a roster's COPY) hashes each row exactly as append does."""
    write(1, admin_a)
    rows = [
        (timezone.now(), admin_a.pk, "admin_a", "membership.join", "members.membership", str(i), "某人", None, "ok",
         {"via": "roster_import", "person": i, "person_created": True})
        for i in range(3)
    ]  # fmt: skip
    with transaction.atomic():
        for row, detail, seq, prev_hash, hash_ in audit.chain(iter(rows), 3):
            at, actor_id, username, action, object_type, object_id, object_repr, ip, result, _ = row
            AuditLog.objects.bulk_create([AuditLog(
                at=at, actor_id=actor_id, actor_username=username, action=action, object_type=object_type,
                object_id=object_id, object_repr=object_repr, ip=ip, result=result, detail=json.loads(detail),
                seq=seq, prev_hash=prev_hash, hash=hash_,
            )])  # fmt: skip
    assert audit.verify() == (4, None)
    with pytest.raises(ValueError, match="reserved 3 places and was given 2"), transaction.atomic():
        list(audit.chain(iter(rows[:2]), 3))
