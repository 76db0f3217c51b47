"""Backups: the sealed format refuses a wrong key and any damage; restore goes into an empty database
only, changing nothing when it refuses; a running demo world restores to the same rows and files."""

import json
import struct
import tarfile
import time

import pytest
from django.test import override_settings

from gonghui.ops import backup
from gonghui.ops.backup import MAGIC, BackupError, seal, unseal


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(backup, "CHUNK", 64)


@pytest.fixture
def sealed(tmp_path, small_chunks):
    plain = tmp_path / "plain"
    plain.write_bytes(bytes(range(256)) * 3)  # 12 chunks of 64 bytes
    target = tmp_path / "sealed.bak"
    seal(plain, target, vendor="sqlite")
    return plain, target


def _chunks(data: bytes) -> tuple[int, list[tuple[int, int]]]:
    """Where the header ends and each chunk (offset, total length with its size prefix) lies."""
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    offset = len(MAGIC) + 4 + length
    start, chunks = offset, []
    while offset < len(data):
        (size,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.append((offset, 4 + size))
        offset += 4 + size
    return start, chunks


def _refusal(path, tmp_path) -> str:
    with pytest.raises(BackupError) as refused:
        unseal(path, tmp_path / "out")
    return str(refused.value)


def test_a_sealed_file_opens_to_the_same_bytes_and_shows_none_of_them(sealed, tmp_path):
    plain, target = sealed
    assert unseal(target, tmp_path / "out")["vendor"] == "sqlite"
    assert (tmp_path / "out").read_bytes() == plain.read_bytes()
    assert bytes(range(64)) not in target.read_bytes()


def test_a_wrong_key_is_named_as_such(sealed, tmp_path):
    with override_settings(BACKUP_KEY="another-backup-key-0123456789-abcdefghij"):
        assert "备份密钥不对" in _refusal(sealed[1], tmp_path)


def test_no_key_refuses(sealed, tmp_path):
    with override_settings(BACKUP_KEY=""):
        assert "GONGHUI_BACKUP_KEY" in _refusal(sealed[1], tmp_path)


def test_a_changed_byte_anywhere_is_damage(sealed, tmp_path):
    data = sealed[1].read_bytes()
    start, chunks = _chunks(data)
    for offset in (start + 10, chunks[5][0] + 20, len(data) - 1):
        broken = tmp_path / "broken.bak"
        broken.write_bytes(data[:offset] + bytes([data[offset] ^ 1]) + data[offset + 1 :])
        assert "已损坏" in _refusal(broken, tmp_path), offset


def test_a_changed_header_is_refused(sealed, tmp_path):
    data = sealed[1].read_bytes()
    broken = tmp_path / "broken.bak"
    broken.write_bytes(data.replace(b'"vendor": "sqlite"', b'"vendor": "sqlitf"'))
    assert "已损坏" in _refusal(broken, tmp_path)


def test_a_truncated_file_is_named_truncated_wherever_it_is_cut(sealed, tmp_path):
    data = sealed[1].read_bytes()
    start, chunks = _chunks(data)
    for cut in (chunks[3][0], chunks[3][0] + 2, chunks[3][0] + 30, chunks[-1][0]):
        short = tmp_path / "short.bak"
        short.write_bytes(data[:cut])
        assert "不完整" in _refusal(short, tmp_path), cut


def test_a_dropped_or_moved_chunk_is_damage(sealed, tmp_path):
    data = sealed[1].read_bytes()
    start, chunks = _chunks(data)
    (a, la), (b, lb) = chunks[2], chunks[3]
    dropped = tmp_path / "dropped.bak"
    dropped.write_bytes(data[:a] + data[a + la :])
    assert "已损坏" in _refusal(dropped, tmp_path)
    swapped = tmp_path / "swapped.bak"
    swapped.write_bytes(data[:a] + data[b : b + lb] + data[a : a + la] + data[b + lb :])
    assert "已损坏" in _refusal(swapped, tmp_path)


def test_data_after_the_last_chunk_is_refused(sealed, tmp_path):
    longer = tmp_path / "longer.bak"
    longer.write_bytes(sealed[1].read_bytes() + b"\x00" * 40)
    assert "多余的数据" in _refusal(longer, tmp_path)


def test_another_file_is_not_a_backup(tmp_path):
    other = tmp_path / "other.bak"
    other.write_bytes(b"PK\x03\x04 a workbook")
    assert "不是 gonghui 的备份文件" in _refusal(other, tmp_path)


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    (tmp_path / "any.bak").write_bytes(b"")
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        backup.restore(tmp_path / "any.bak")


def test_restore_refuses_and_changes_nothing(deployment):
    """A small deployment backed up, then every refusal tried on an empty one, which stays empty."""
    source = deployment("source")
    assert source.gonghui("migrate", "-v0").returncode == 0
    (source.media / "founding" / "1").mkdir(parents=True)
    (source.media / "founding" / "1" / "survey.pdf").write_bytes(b"%PDF-1.4 fictional")
    made = source.gonghui("backup", str(source.path / "gonghui.bak"))
    assert made.returncode == 0, made.stderr
    good = (source.path / "gonghui.bak").read_bytes()

    target = deployment("target")
    tables = "from django.db import connection\nprint(len(connection.introspection.table_names()))"

    def refused(data: bytes, *, env=None) -> str:
        attempt = target.path / "attempt.bak"
        attempt.write_bytes(data)
        files = target.media_files()
        done = target.gonghui("restore", str(attempt), env=env)
        assert done.returncode == 2, done.stdout
        assert target.python(tables).stdout.split()[-1] == "0"
        assert target.media_files() == files
        return done.stderr

    assert "备份密钥不对" in refused(
        good, env={"GONGHUI_BACKUP_KEY": "a-different-backup-key-0123456789-xyz"}
    )
    assert "不完整" in refused(good[: len(good) // 2])
    middle = len(good) // 2
    assert "已损坏" in refused(good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1 :])
    (target.media / "stray.txt").parent.mkdir(parents=True)
    (target.media / "stray.txt").write_text("left behind")
    assert "MEDIA_ROOT" in refused(good)
    (target.media / "stray.txt").unlink()

    restored = target.gonghui("restore", str(source.path / "gonghui.bak"))
    assert restored.returncode == 0, restored.stderr
    assert "行数和校验和逐表一致" in restored.stdout
    assert target.media_files() == {"founding/1/survey.pdf": 18}
    again = target.gonghui("restore", str(source.path / "gonghui.bak"))
    assert again.returncode == 2 and "目标数据库不是空的" in again.stderr


WRITER = """
import sys, time
from django.db import transaction
from gonghui.core.audit import audit_record
from gonghui.core.scope import SystemActor
print("WRITING", flush=True)
written = 0
while True:
    with transaction.atomic():
        audit_record(actor=SystemActor("drill"), action="ops.backup", detail={"n": written})
    written += 1
    if written % 50 == 0:
        print(written, flush=True)
    time.sleep(0.01)
"""
AUDIT = "core_auditlog"
AUDIT_CHAIN = "core_auditchain"


@pytest.mark.drill
def test_drill_a_running_demo_world_backs_up_and_restores_to_the_same_tables_and_files(deployment, tmp_path):
    """The demo world, written to while it is backed up, restored into a fresh database: every table
    has the backup's row count and checksum, every table the writer did not touch the source's."""
    figures = {}
    source = deployment("demo")
    started = time.monotonic()
    loaded = source.gonghui("demo", "--no-serve", timeout=1800)
    assert loaded.returncode == 0, loaded.stderr
    figures["demo load s"] = round(time.monotonic() - started, 1)

    writer = source.popen(WRITER)
    try:
        assert writer.stdout.readline().strip() == "WRITING"
        before = source.digests()[AUDIT]["rows"]
        started = time.monotonic()
        made = source.gonghui("backup", str(tmp_path / "demo.bak"))
        figures["backup s"] = round(time.monotonic() - started, 1)
        assert made.returncode == 0, made.stderr
        during = source.digests()[AUDIT]["rows"]
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert during > before  # the site was being written to while it was backed up

    target = deployment("restored")
    started = time.monotonic()
    restored = target.gonghui("restore", str(tmp_path / "demo.bak"))
    figures["restore s"] = round(time.monotonic() - started, 1)
    assert restored.returncode == 0, restored.stderr

    unsealed = tmp_path / "demo.tar"
    unseal(tmp_path / "demo.bak", unsealed)
    with tarfile.open(unsealed) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    found, now = target.digests(), source.digests()
    assert set(found) == set(manifest["tables"]) == set(now)
    # the restore's own audit row is the only difference from the snapshot
    assert found[AUDIT]["rows"] == manifest["tables"][AUDIT]["rows"] + 1
    # the chain's head moves with every audit row: the log's two tables are compared by the rows above
    logged = {AUDIT, AUDIT_CHAIN}
    assert {t: d for t, d in found.items() if t not in logged} == {
        t: d for t, d in manifest["tables"].items() if t not in logged
    }
    assert {t: d for t, d in found.items() if t not in logged} == {
        t: d for t, d in now.items() if t not in logged
    }
    assert before <= manifest["tables"][AUDIT]["rows"] <= during
    assert target.media_files() == source.media_files() == manifest["media"]
    assert len(manifest["media"]) > 0

    figures.update(
        tables=len(found),
        rows=sum(d["rows"] for d in manifest["tables"].values()),
        people=found["members_person"]["rows"],
        memberships=found["members_membership"]["rows"],
        media_files=len(manifest["media"]),
        backup_bytes=(tmp_path / "demo.bak").stat().st_size,
        audit_rows_written_during_backup=during - before,
    )
    print(f"\nDRILL backup/restore ({target.env['DATABASE_URL'].split(':')[0]}): {json.dumps(figures)}")
