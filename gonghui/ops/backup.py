"""Encrypted backups of the database and the uploaded files, restored into an empty database only.

A backup file is MAGIC, a header (JSON: format, database vendor, salt, nonce prefix, key check) and
the sealed chunks of a tar archive: manifest.json (each table's row count and checksum, taken in the
very snapshot that was dumped), the database (SQLite's online backup API, or pg_dump's custom format
inside an exported snapshot) and MEDIA_ROOT. Each chunk is AES-256-GCM under a key derived by HKDF
from settings.BACKUP_KEY and the file's salt; its nonce holds the chunk's number and a last-chunk
flag and the header is authenticated with every chunk, so a chunk changed, moved, dropped or cut off
fails (the STREAM construction). A restore decrypts and checks the whole file before it touches the
database, and compares every table with the manifest before it reports success.
"""

import base64
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

MAGIC = b"GONGHUI-BACKUP\n"
FORMAT = 1
CHUNK = 1024 * 1024
TAG = 16
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore refused or failed, with the reason in Chinese; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    size: int


# The sealing ------------------------------------------------------------------------------------


def _keys(salt: bytes) -> tuple[AESGCM, bytes]:
    """The file's encryption key and the value that tells a wrong backup key from a damaged file."""
    key = settings.BACKUP_KEY
    if not key:
        raise BackupError("没有设置备份密钥 GONGHUI_BACKUP_KEY：备份用它加密，请把它与数据库分开保管")
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=b"gonghui/backup").derive(
        key.encode()
    )
    return AESGCM(material[:32]), hmac.new(
        material[32:], b"gonghui/backup-key-check", hashlib.sha256
    ).digest()


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


def seal(source: Path, target: Path, *, vendor: str) -> None:
    salt, prefix = os.urandom(16), os.urandom(7)
    aead, check = _keys(salt)
    header = json.dumps(
        {
            "format": FORMAT,
            "vendor": vendor,
            "cipher": "AES-256-GCM",
            "chunk": CHUNK,
            "salt": base64.b64encode(salt).decode(),
            "nonce": base64.b64encode(prefix).decode(),
            "check": base64.b64encode(check).decode(),
        }
    ).encode()
    aad = MAGIC + header
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(MAGIC + struct.pack(">I", len(header)) + header)
        number, chunk = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            sealed = aead.encrypt(_nonce(prefix, number, not following), chunk, aad)
            out.write(struct.pack(">I", len(sealed)) + sealed)
            if not following:
                break
            number, chunk = number + 1, following
        out.flush()
        os.fsync(out.fileno())


def _read_header(stream, name: str) -> tuple[dict, bytes]:
    magic = stream.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError(f"「{name}」不是 gonghui 的备份文件")
    try:
        (length,) = struct.unpack(">I", stream.read(4))
        raw = stream.read(length)
        header = json.loads(raw)
    except (struct.error, ValueError):
        raise BackupError(f"备份文件「{name}」的文件头已损坏，无法恢复") from None
    if header.get("format") != FORMAT:
        raise BackupError(f"备份文件「{name}」的格式版本 {header.get('format')} 不受支持")
    return header, MAGIC + raw


def unseal(source: Path, target: Path) -> dict:
    """Decrypts source into target and returns its header; raises BackupError on a wrong key or a
    damaged or truncated file (target is then incomplete and must be discarded)."""
    name = source.name
    with source.open("rb") as stream, target.open("wb") as out:
        header, aad = _read_header(stream, name)
        try:
            salt, prefix = base64.b64decode(header["salt"]), base64.b64decode(header["nonce"])
            check = base64.b64decode(header["check"])
        except (KeyError, ValueError):
            raise BackupError(f"备份文件「{name}」的文件头已损坏，无法恢复") from None
        aead, expected = _keys(salt)
        if not hmac.compare_digest(check, expected):
            raise BackupError(
                f"备份密钥不对：「{name}」是用另一个备份密钥加密的，请设置备份时的 GONGHUI_BACKUP_KEY"
            )
        number = 0
        while True:
            size = stream.read(4)
            if len(size) < 4:
                raise BackupError(f"备份文件「{name}」不完整（在第 {number} 块之后被截断），未恢复任何数据")
            (length,) = struct.unpack(">I", size)
            sealed = stream.read(length)
            if len(sealed) < length or length < TAG:
                raise BackupError(f"备份文件「{name}」不完整（第 {number + 1} 块被截断），未恢复任何数据")
            plain = last = None
            for last in (False, True):
                try:
                    plain = aead.decrypt(_nonce(prefix, number, last), sealed, aad)
                    break
                except InvalidTag:
                    continue
            if plain is None:
                raise BackupError(f"备份文件「{name}」已损坏（第 {number + 1} 块校验失败），未恢复任何数据")
            out.write(plain)
            if last:
                break
            number += 1
        if stream.read(1):
            raise BackupError(f"备份文件「{name}」在结尾之后还有多余的数据，可能被篡改，未恢复任何数据")
    return header


# Tables' row counts and checksums -----------------------------------------------------------------


def _tables(cursor, vendor: str) -> list[tuple[str, list[str]]]:
    """Every table with the columns that order its rows (its primary key, or else all of them)."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        names = sorted(row[0] for row in cursor.fetchall())
        tables = []
        for name in names:
            cursor.execute(f'PRAGMA table_info("{name}")')
            columns = cursor.fetchall()
            key = [column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5]]
            tables.append((name, key or [column[1] for column in columns]))
        return tables
    cursor.execute(
        """
        SELECT c.relname, a.attname, coalesce(array_position(i.indkey::int2[], a.attnum), 0) AS key_order
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
        ORDER BY c.relname, a.attnum
        """
    )
    columns: dict[str, list[tuple[int, str]]] = {}
    for table, column, key_order in cursor.fetchall():
        columns.setdefault(table, []).append((key_order, column))
    tables = []
    for table in sorted(columns):
        key = [column for order, column in sorted(columns[table]) if order]
        tables.append((table, key or [column for _, column in columns[table]]))
    return tables


def _normal(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return repr(value)


def table_digests(cursor, vendor: str) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": …}} over every row in primary-key order, as this cursor sees them."""
    digests = {}
    for table, order in _tables(cursor, vendor):
        digest, rows = hashlib.sha256(), 0
        ordering = ", ".join(f'"{column}"' for column in order)
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY {ordering}')  # noqa: S608 (names from the catalogue)
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update("\x1f".join(map(_normal, row)).encode() + b"\x1e")
            rows += len(batch)
        digests[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return digests


def sqlite_digests(path: Path) -> dict[str, dict]:
    """The digests of an SQLite file read with the plain driver (no Django type conversion)."""
    with sqlite3.connect(path) as raw:
        return table_digests(raw.cursor(), "sqlite")


def database_digests() -> dict[str, dict]:
    """The digests of the configured database, read the same way a backup reads its snapshot."""
    if connection.vendor == "sqlite":
        return sqlite_digests(Path(settings.DATABASES["default"]["NAME"]))
    with connection.cursor() as cursor:
        return table_digests(cursor, connection.vendor)


# Backup -------------------------------------------------------------------------------------------


def _pg_command(program: str) -> tuple[list[str], dict]:
    """The command line of a PostgreSQL tool, as the role that owns the schema where one is configured."""
    params = settings.DATABASES.get("owner") or settings.DATABASES["default"]
    command = [program, "--dbname", params["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            command += [option, str(params[key])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return command, env


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (pg tools, our arguments)
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-500:]}")


def _snapshot(folder: Path) -> dict[str, dict]:
    """Writes the database into folder and returns the digests of exactly what was written."""
    target = folder / DATABASE_FILES[connection.vendor]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        return sqlite_digests(target)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        command, env = _pg_command("pg_dump")
        _run(
            [*command, "--format=custom", "--snapshot", snapshot, "--file", str(target)], env, "pg_dump 导出"
        )
        return table_digests(cursor, connection.vendor)


def _media_files() -> list[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted((path, path.relative_to(root).as_posix()) for path in root.rglob("*") if path.is_file())


def backup(target: Path) -> Summary:
    """Writes an encrypted backup of the database and MEDIA_ROOT to target (replaced only when complete)."""
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库")
    _keys(b"")  # no key: refuse before any work
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"备份目录「{target.parent}」不存在")
    with tempfile.TemporaryDirectory(prefix="gonghui-backup-") as scratch:
        folder = Path(scratch)
        # The database first: a file uploaded meanwhile is then at worst one that no row names yet.
        digests = _snapshot(folder)
        media = _media_files()
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created": timezone.now().isoformat(),
            "tables": digests,
            "media": {name: path.stat().st_size for path, name in media},
        }
        archive = folder / "archive.tar"
        with tarfile.open(archive, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(folder / DATABASE_FILES[connection.vendor], arcname=DATABASE_FILES[connection.vendor])
            for path, name in media:
                tar.add(path, arcname=f"media/{name}", recursive=False)
        partial = target.with_name(f".{target.name}.partial")
        try:
            seal(archive, partial, vendor=connection.vendor)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise BackupError(f"写入备份文件「{target}」失败：{error.strerror or error}") from None
    return Summary(
        tables=len(digests),
        rows=sum(table["rows"] for table in digests.values()),
        media_files=len(media),
        media_bytes=sum(manifest["media"].values()),
        size=target.stat().st_size,
    )


# Restore ------------------------------------------------------------------------------------------


def _refuse_unless_empty() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"目标数据库不是空的（已有 {len(tables)} 张表）：恢复只进入新建的空数据库，"
            "请新建一个空数据库（不要先运行 migrate）再恢复"
        )
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise BackupError(f"上传文件目录 MEDIA_ROOT（{media}）不是空的：恢复只进入空目录")


def _compare(expected: dict[str, dict], found: dict[str, dict]) -> None:
    if found == expected:
        return
    differing = sorted(set(expected) ^ set(found) | {t for t in expected if found.get(t) != expected[t]})
    raise BackupError(f"恢复后的数据与备份不一致（{len(differing)} 张表：{', '.join(differing[:5])}）")


def restore(source: Path) -> Summary:
    """Restores a backup into the configured database, which must be empty, and into an empty
    MEDIA_ROOT; checks every table against the backup's manifest. Refuses without changing anything."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件「{source}」不存在")
    _refuse_unless_empty()
    with tempfile.TemporaryDirectory(prefix="gonghui-restore-") as scratch:
        folder = Path(scratch)
        header = unseal(source, folder / "archive.tar")
        if header["vendor"] != connection.vendor:
            raise BackupError(
                f"这个备份来自 {VENDOR_NAMES.get(header['vendor'], header['vendor'])} 数据库，"
                f"不能恢复到 {VENDOR_NAMES.get(connection.vendor, connection.vendor)}"
            )
        with tarfile.open(folder / "archive.tar") as tar:
            tar.extractall(folder / "archive", filter="data")
        unpacked = folder / "archive"
        manifest = json.loads((unpacked / "manifest.json").read_text())
        staged_media = _stage_media(unpacked / "media")
        try:
            if connection.vendor == "sqlite":
                _restore_sqlite(unpacked / DATABASE_FILES["sqlite"], manifest["tables"])
            else:
                _restore_postgresql(unpacked / DATABASE_FILES["postgresql"], manifest["tables"])
        except BaseException:
            shutil.rmtree(staged_media, ignore_errors=True)
            raise
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            media.rmdir()  # checked empty above
        staged_media.rename(media)
    return Summary(
        tables=len(manifest["tables"]),
        rows=sum(table["rows"] for table in manifest["tables"].values()),
        media_files=len(manifest["media"]),
        media_bytes=sum(manifest["media"].values()),
        size=source.stat().st_size,
    )


def _stage_media(unpacked: Path) -> Path:
    """The uploaded files copied beside MEDIA_ROOT (same filesystem, so the final move is a rename)."""
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{media.name}.restoring-", dir=media.parent))
    try:
        if unpacked.is_dir():
            shutil.copytree(unpacked, staged, dirs_exist_ok=True)
    except OSError as error:
        shutil.rmtree(staged, ignore_errors=True)
        raise BackupError(f"复制上传文件到「{media.parent}」失败：{error.strerror or error}") from None
    return staged


def _restore_sqlite(database: Path, expected: dict[str, dict]) -> None:
    name = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    partial = name.with_name(f".{name.name}.restoring")
    try:
        shutil.copyfile(database, partial)
        _compare(expected, sqlite_digests(partial))
        # The empty database's own journal must not be replayed onto the restored file.
        for journal in (Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
            journal.unlink(missing_ok=True)
        partial.replace(name)
    except OSError as error:
        raise BackupError(f"写入数据库文件「{name}」失败：{error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)


def _restore_postgresql(dump: Path, expected: dict[str, dict]) -> None:
    command, env = _pg_command("pg_restore")
    connection.close()
    # One transaction: a failure anywhere leaves the database as empty as it was.
    _run(
        [*command, "--single-transaction", "--exit-on-error", "--no-owner", str(dump)], env, "pg_restore 恢复"
    )
    _compare(expected, database_digests())
