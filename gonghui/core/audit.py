"""Writing the audit log. Call audit_record inside the transaction of the change it records.

The log is a hash chain: each row's `hash` is an HMAC, with settings.AUDIT_HMAC_KEY (kept apart from
the database), of its content, its place `seq` and the hash of the row before it. Every row goes in
through `append`, which takes the lock of the chain's head row (AuditChain, id 1) by advancing its
`seq` — one UPDATE … RETURNING that also hands back the last row's hash — so concurrent writers wait
for each other instead of forking the chain; an insert trigger moves the head to the new row. So an
audit record costs two queries. `verify` walks the chain from its anchor (where a prune left it) and
names the first row deleted, edited or inserted out of place.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import AuditChain, AuditLog
from gonghui.core.scope import SystemActor

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind settings.TRUSTED_PROXIES proxies the entry of
    X-Forwarded-For that the outermost of them appended. Each proxy appends the address it was
    reached from; everything left of that entry is the client's own writing and is never trusted.
    A header that did not pass through every proxy, or an entry that is not an address, counts as
    REMOTE_ADDR."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= proxies:
            return _address(entries[-proxies]) or remote
    return remote


def _address(value: str) -> str | None:
    """The address in the one spelling the database stores (2001:DB8::0:1 → 2001:db8::1), or None."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def actor_columns(actor, username: str = "") -> tuple[int | None, str]:
    """The audit row's actor id and username for a user, a SystemActor (no id, "system:<OS user>")
    or None (no id; `username` says who tried, e.g. a failed sign-in)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, username
    return (None if isinstance(actor, SystemActor) else actor.pk), actor.get_username()


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    result: str = AuditLog.Result.OK,
    detail: dict | None = None,
    ip: str | None = None,
    username: str = "",
) -> AuditLog:
    """actor: a user, a SystemActor (recorded by its name, "system:<OS user>") or None (then username
    says who tried, e.g. a failed sign-in)."""
    actor_id, actor_username = actor_columns(actor, username)
    row = AuditLog(
        actor_id=actor_id,
        actor_username=actor_username,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        ip=ip or current_ip.get(),
        result=result,
        detail=detail or {},
    )
    return append([row])[0]


HEAD = 1  # the id of AuditChain's one row
GENESIS = ""  # the previous hash of the first row ever written


def append(rows: list[AuditLog], *, using: str = DEFAULT_DB_ALIAS) -> list[AuditLog]:
    """Chains and inserts new audit rows (unsaved AuditLog instances, `at` defaulting to now), in
    the caller's transaction or one of their own. The only way rows enter the log, one or many."""
    if not rows:
        return rows
    with transaction.atomic(using=using, savepoint=False):
        last, prev = _advance(len(rows), using)
        for seq, row in enumerate(rows, start=last - len(rows) + 1):
            row.at = row.at or timezone.now()
            row.ip = _address(row.ip) if row.ip else None
            row.detail = json.loads(json.dumps(row.detail or {}))
            row.seq, row.prev_hash = seq, prev
            row.hash = prev = row_hash(row_content(row))
        if len(rows) == 1:
            rows[0].save(using=using, force_insert=True)
        else:
            AuditLog.objects.using(using).bulk_create(rows, batch_size=1000)
    return rows


def chain(rows: Iterable[tuple], n: int, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[tuple]:
    """`append` for a bulk writer that inserts with its own means (a COPY of a million rows): rows
    are n tuples (at, actor_id, actor_username, action, object_type, object_id, object_repr, ip,
    result, detail dict), ip as `_address` spells it; yields for each (row, detail as canonical
    JSON, seq, prev_hash, hash). Call it inside the transaction that inserts them, as late as it can
    (the chain's head stays locked until that transaction ends), and insert every row it yields."""
    if not connections[using].in_atomic_block:
        raise transaction.TransactionManagementError("audit.chain needs the inserting transaction")
    last, prev = _advance(n, using)  # now, not when the insert (a COPY holding the connection) pulls
    return _chained(rows, n, last, prev)


def _chained(rows: Iterable[tuple], n: int, last: int, prev: str) -> Iterator[tuple]:
    key, seq = _key(b"gonghui/audit-chain"), last - n
    for row in rows:
        at, *columns, detail = row
        seq += 1
        details = _canonical(detail).decode()
        head = json.dumps([seq, prev, _instant(at), *columns], ensure_ascii=False, separators=(",", ":"))
        linked, prev = prev, hmac.new(key, f"{head[:-1]},{details}]".encode(), hashlib.sha256).hexdigest()
        yield row, details, seq, linked, prev
    if seq != last:
        raise ValueError(f"audit.chain reserved {n} places and was given {seq - last + n} rows")


def _advance(n: int, using: str) -> tuple[int, str]:
    """Reserves the next n places of the chain under the head row's lock, held to the end of the
    transaction: the last place reserved and the hash of the row before the first."""
    sql = "UPDATE core_auditchain SET seq = seq + %s WHERE id = %s RETURNING seq, head_hash"
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [n, HEAD])
        found = cursor.fetchone()
        if found is None:  # a new database (or a test's flush): the chain starts
            cursor.execute(
                "INSERT INTO core_auditchain (id, seq, head_hash, anchor_seq, anchor_hash, anchor_mac) "
                "VALUES (%s, 0, '', 0, '', '') ON CONFLICT (id) DO NOTHING",
                [HEAD],
            )
            cursor.execute(sql, [n, HEAD])
            found = cursor.fetchone()
    return found


def _key(purpose: bytes) -> bytes:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), purpose, hashlib.sha256).digest()


def row_content(row) -> list:
    """What a row's hash covers, in the form read back from either database."""
    return [
        row.seq,
        row.prev_hash,
        _instant(row.at),
        row.actor_id,
        row.actor_username,
        row.action,
        row.object_type,
        row.object_id,
        row.object_repr,
        str(row.ip) if row.ip else None,
        row.result,
        row.detail,
    ]


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(content: list) -> str:
    return hmac.new(_key(b"gonghui/audit-chain"), _canonical(content), hashlib.sha256).hexdigest()


def anchor_mac(seq: int, hash_: str) -> str:
    return hmac.new(_key(b"gonghui/audit-anchor"), f"{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: the row (seq, id where there is one) and why."""

    seq: int
    row_id: int | None
    message: str


def verify(*, using: str = DEFAULT_DB_ALIAS) -> tuple[int, Break | None]:
    """Walks the chain in order from its anchor to the head: how many rows hold, and the first break
    (None when the log is intact). Rows written while it runs lie beyond the head it read first."""
    chain = AuditChain.objects.using(using).filter(pk=HEAD).first()
    rows = AuditLog.objects.using(using).order_by("seq")
    if chain is None:
        first = rows.first()
        return 0, first and Break(first.seq, first.pk, _("审计日志的链头记录缺失"))
    prev, expected, checked = chain.anchor_hash, chain.anchor_seq + 1, 0
    if chain.anchor_seq and not hmac.compare_digest(chain.anchor_mac, anchor_mac(chain.anchor_seq, prev)):
        return 0, Break(chain.anchor_seq, None, _("链的起点（清理后的锚点）被改动：它的校验值不符"))
    for row in rows.filter(seq__lte=chain.seq).iterator(chunk_size=2000):
        where = {"seq": row.seq, "id": row.pk}
        if row.seq < expected:
            return checked, Break(
                row.seq, row.pk, _("第 %(seq)s 条（编号 %(id)s）插在链外：在链的起点之前") % where
            )
        if row.seq > expected:
            message = _("第 %(seq)s 条已被删除（缺了 %(n)s 条，其后是第 %(next)s 条，编号 %(id)s）")
            return checked, Break(
                expected,
                None,
                message % {"seq": expected, "n": row.seq - expected, "next": row.seq, "id": row.pk},
            )
        if not hmac.compare_digest(row.hash, row_hash(row_content(row))):
            return checked, Break(
                row.seq, row.pk, _("第 %(seq)s 条（编号 %(id)s）被改动：内容与校验值不符") % where
            )
        if row.prev_hash != prev:
            message = _("第 %(seq)s 条（编号 %(id)s）插在了不属于它的位置：它不接在前一条之后")
            return checked, Break(row.seq, row.pk, message % where)
        prev, expected, checked = row.hash, expected + 1, checked + 1
    if chain.seq >= expected or chain.head_hash != prev:
        message = _("链尾自第 %(seq)s 条起已被删除（链头记着第 %(head)s 条）")
        return checked, Break(expected, None, message % {"seq": expected, "head": chain.seq})
    return checked, None


class PruneRefused(ValueError):
    pass


def prune(*, before: date, actor, today: date | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Deletes the rows older than `before` from the start of the chain (up to the first younger
    one, the chain's order being the order of writing) and anchors the chain at the last one deleted.
    Refuses a date inside the retention period and a broken chain (the evidence stays). Recorded in
    the log itself. Only the server's operator prunes. Returns how many rows went."""
    if not isinstance(actor, SystemActor):
        raise PermissionError("only the server's operator prunes the audit log")
    today = today or timezone.localdate()
    oldest = today - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    if before > oldest:
        raise PruneRefused(
            _(
                "--before %(date)s 在保留期内：审计日志至少保留 %(days)s 天，最晚只能清理 %(oldest)s 之前的记录"
            )
            % {
                "date": before.isoformat(),
                "days": settings.AUDIT_RETENTION_DAYS,
                "oldest": oldest.isoformat(),
            }
        )
    cutoff = timezone.make_aware(datetime.combine(before, datetime.min.time()))
    with transaction.atomic(using=using):
        chain = AuditChain.objects.using(using).select_for_update().filter(pk=HEAD).first()
        broken = verify(using=using)[1]
        if broken:
            raise PruneRefused(_("审计日志链已断，不予清理：%(message)s") % {"message": broken.message})
        rows = AuditLog.objects.using(using).filter(seq__gt=chain.anchor_seq if chain else 0)
        first_kept = rows.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
        doomed = rows.filter(seq__lt=first_kept) if first_kept is not None else rows
        through = doomed.order_by("-seq").values_list("seq", "hash").first()
        deleted = 0
        if through:
            AuditChain.objects.using(using).filter(pk=HEAD).update(
                anchor_seq=through[0], anchor_hash=through[1], anchor_mac=anchor_mac(*through)
            )
            deleted = doomed.count()
            _delete_through(through[0], using)
        detail = {"before": before.isoformat(), "deleted": deleted}
        if through:
            detail |= {"anchor_seq": through[0], "anchor_hash": through[1]}
        actor_id, actor_username = actor_columns(actor)
        append(
            [AuditLog(actor_id=actor_id, actor_username=actor_username, action="audit.prune", detail=detail)],
            using=using,
        )
    return deleted


def _delete_through(seq: int, using: str) -> None:
    """The one delete the database allows (its trigger lets go of the rows up to the anchor)."""
    with connections[using].cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE seq <= %s", [seq])


_sealed: ContextVar[bool] = ContextVar("audit_sealed", default=True)


@receiver(connection_created)
def _sqlite_seal(sender, connection, **kwargs):
    """SQLite's delete trigger asks gonghui_audit_sealed(): a client without this function (the
    sqlite3 shell) cannot delete a row at all."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("gonghui_audit_sealed", 0, lambda: int(_sealed.get()))


@contextmanager
def unsealed():
    """Lets a flush of the whole SQLite test database (Django's between transactional tests) empty
    the audit log, in this process only."""
    token = _sealed.set(False)
    try:
        yield
    finally:
        _sealed.reset(token)


OWNER_ALIAS = "owner"


def owner_alias() -> str:
    """The connection that owns the schema: settings.DATABASES["owner"] where the application's own
    role may not delete (PostgreSQL with DATABASE_OWNER_URL), else the application's."""
    return OWNER_ALIAS if OWNER_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS


def application_grants(role: str) -> list[str]:
    """What the application's PostgreSQL role may do: everything on the app's tables but the audit
    log, which it may only read and append to, and the chain's head, whose anchor only a prune (as
    the owner) moves."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    role, log, chain = quote(role), AuditLog._meta.db_table, AuditChain._meta.db_table
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {log} FROM {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {chain} FROM {role}",
        f"GRANT UPDATE (seq, head_hash) ON {chain} TO {role}",
    ]


def grant_application_role(using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After `gonghui migrate --database owner`: the application's role (DATABASE_URL's user) gets
    its rights on every table, the new ones included."""
    if using != OWNER_ALIAS or connections[using].vendor != "postgresql":
        return
    role = settings.DATABASES[DEFAULT_DB_ALIAS]["USER"]
    if role and role != settings.DATABASES[OWNER_ALIAS]["USER"]:
        with connections[using].cursor() as cursor:
            for statement in application_grants(role):
                cursor.execute(statement)


EXPORT_PURPOSE = b"gonghui/audit-export"


def _signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_key(EXPORT_PURPOSE))


def export_public_key() -> str:
    """The public key that checks an export's signatures, for whoever keeps the off-host copy."""
    raw = _signing_key().public_key().public_bytes_raw()
    return base64.b64encode(raw).decode()


def export_lines(*, since: date, actor, using: str = DEFAULT_DB_ALIAS):
    """The rows written since `since` (in chain order) as JSON lines, each signed with Ed25519
    (key derived from the audit key): {"row": {…}, "sig": base64}. The export is recorded first
    (and so is in it)."""
    if not isinstance(actor, SystemActor):
        raise PermissionError("only the server's operator exports the audit log")
    audit_record(actor=actor, action="audit.export", detail={"since": since.isoformat()})
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    key = _signing_key()
    rows = AuditLog.objects.using(using).filter(at__gte=start).order_by("seq").iterator(chunk_size=2000)
    for row in rows:
        record = dict(zip(EXPORT_FIELDS, row_content(row), strict=True)) | {"id": row.pk, "hash": row.hash}
        body = _canonical(record)
        yield _canonical({"row": record, "sig": base64.b64encode(key.sign(body)).decode()}).decode() + "\n"


EXPORT_FIELDS = (
    "seq", "prev_hash", "at", "actor_id", "actor_username", "action",
    "object_type", "object_id", "object_repr", "ip", "result", "detail",
)  # fmt: skip


def check_export(lines, public_key: str) -> tuple[int, str | None]:
    """Checks an export's lines against the public key: how many hold, and what is wrong with the
    first that does not (a bad signature, a line that is not JSON, a row missing between two lines)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
    except ValueError:
        return 0, _("公钥格式不对：应为 audit-export --public-key 打印的 base64")
    checked, previous = 0, None
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            record, sig = entry["row"], base64.b64decode(entry["sig"], validate=True)
            key.verify(sig, _canonical(record))
        except (ValueError, KeyError, TypeError, InvalidSignature):
            return checked, _("第 %(line)s 行签名不符或格式不对：这一行被改动过") % {"line": number}
        if previous is not None and (
            record["seq"] != previous["seq"] + 1 or record["prev_hash"] != previous["hash"]
        ):
            return checked, _("第 %(line)s 行前缺了记录：它不接在上一行之后") % {"line": number}
        previous, checked = record, checked + 1
    return checked, None
