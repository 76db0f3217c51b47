"""Writing an import: the prepared rows inserted, with their membership history and audit rows.

The prepared rows are inserted (COPY on PostgreSQL) with the membership history and the audit rows,
in one transaction: either every valid row lands or none does, and a crash or a kill leaves the
database as it was. The database's own constraints (one person per ID number, one active
membership per person) guard against anything that changed while the file was checked.

When the rows are written depends on the database. PostgreSQL's transaction opens before the check,
and each checked chunk is written at once: the server inserts one chunk while the check workers
prepare the next. SQLite's transaction takes the database's write lock, so there the prepared rows
go to a spool file (memory stays flat for a million rows) and are written after the check, holding
the lock only as long as the write takes.
"""

import contextlib
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.audit import actor_columns, audit_record, current_ip
from gonghui.core.models import AuditLog
from gonghui.core.scope import get_or_404
from gonghui.members.models import Membership, Person
from gonghui.members.rollups import person_changing, record_new_joiners
from gonghui.orgs.models import Organisation
from gonghui.rosters import bulk
from gonghui.rosters.excel import RosterFileError
from gonghui.rosters.services.checking import NEW, SKIP, ImportResult, Progress, check


class ImportAborted(Exception):
    """The write phase was refused by the database; nothing was written. The message says why."""


def _select(rows: list[tuple], selection: list[int] | None) -> Iterator[tuple[int, tuple]]:
    """(selection, prepared row) of each of a chunk's selected rows; selection None: all NEW."""
    if selection is None:
        for row in rows:
            yield NEW, row
    else:
        for choice, row in zip(selection, rows, strict=True):
            if choice != SKIP:
                yield choice, row


def _counts(selection: list[int]) -> tuple[int, int]:
    """(people to create, memberships to create) of a chunk's selection."""
    return selection.count(NEW), len(selection) - selection.count(SKIP)


class Spool:
    """Prepared rows, chunk by chunk on a temporary file, written after the check: flat memory for a
    million rows.

    A chunk holds what a check worker prepared for its rows without problems — the people and the
    memberships, pickled by the worker with their values already in the database's form — and the
    check's selection for each of those rows: NEW, SKIP (a duplicate, unchanged, a conflict…) or the
    id of a former member who rejoins; None when every row is NEW."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(prefix="gonghui-roster-")  # noqa: SIM115 (closed by close())
        self.chunks = 0
        self.rows = 0  # memberships to create
        self.new = 0  # people to create

    def add(self, prepared: tuple[bytes, bytes], selection: list[int]) -> None:
        new, rows = _counts(selection)
        if rows:
            pickle.dump((*prepared, None if new == len(selection) else selection), self.file, protocol=5)
            self.chunks += 1
            self.rows += rows
            self.new += new

    def selected(self, part: int) -> Iterator[tuple[int, tuple]]:
        """(selection, prepared row) of each selected row, in the file's order; part 0: the people,
        1: the memberships. Only that part of each chunk is unpickled."""
        self.file.seek(0)
        for _i in range(self.chunks):
            chunk = pickle.load(self.file)  # noqa: S301 (our own temporary file)
            yield from _select(pickle.loads(chunk[part]), chunk[2])  # noqa: S301

    def close(self) -> None:
        self.file.close()


class ChunkWriter:
    """Writes each checked chunk at once, inside the import's open transaction (PostgreSQL)."""

    def __init__(self, writer: "_Writer"):
        self.writer = writer
        with connection.cursor() as cursor:
            # Foreign keys checked as each chunk goes in, while the workers check the next, rather
            # than all at the commit, when nothing else is left to do.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def add(self, prepared: tuple[bytes, bytes], selection: list[int]) -> None:
        new, rows = _counts(selection)
        if rows:
            parts = [pickle.loads(part) for part in prepared]  # noqa: S301 (from our own workers)
            self.writer.write(lambda part: _select(parts[part], selection), new=new, rows=rows)


PROFILE_FIELDS = ("ethnicity", "education", "occupation", "skill_level")  # the prepared person's [9:13]


PERSON_FIELDS = [
    "id",
    "name",
    "name_initials",
    "name_pinyin",
    "id_hash",
    "id_encrypted",
    "id_masked",
    "birth_year",
    "gender",
    "mobile",
    "ethnicity",
    "education",
    "occupation",
    "skill_level",
    "created_at",
]
MEMBERSHIP_FIELDS = [
    "id",
    "person",
    "union",
    "enterprise",
    "card_number",
    "started_on",
    "start_reason",
    "ended_on",
    "end_reason",
    "note",
    "created_at",
]
AUDIT_FIELDS = [
    "at",
    "actor",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "ip",
    "result",
    "detail",
    "seq",
    "prev_hash",
    "hash",
]
AUDIT_SPOOL_ROWS = 10_000


class _Writer:
    """Inserts prepared rows: people, memberships (their history), one audit row per membership.

    One insert per table for each batch it is given (a COPY on PostgreSQL), each streaming the
    batch's rows (only its own part of each chunk is unpickled), so the database works on one table
    while the next rows are being sent and memory stays flat. The prepared values are already in the
    database's form: nothing is adapted row by row here.
    """

    def __init__(self, *, union: Organisation, by, source: str):
        self.union = union
        self.at = now = timezone.now()
        self.now = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
        # The audit rows wait on a temporary file until finish(): chaining them locks the audit
        # log's head until the import commits, and every other audit write waits meanwhile.
        self.audits = tempfile.TemporaryFile(prefix="gonghui-roster-audit-")  # noqa: SIM115 (closed by finish())
        self.audit_chunks = self.audit_rows = 0
        self.actor_id, self.username = actor_columns(by)
        self.ip = current_ip.get()
        self.note = (_("名册导入：%(file)s") % {"file": source})[:200]

    def write(self, selected: Callable[[int], Iterator[tuple[int, tuple]]], *, new: int, rows: int) -> None:
        """selected(part): the (selection, prepared row) pairs of part 0 (people) or 1 (memberships),
        each call from the start; new: how many are NEW people, rows: how many memberships."""
        union, now, note = self.union, self.now, self.note
        new_ids = bulk.allocate_ids(Person, new)
        membership_ids = bulk.allocate_ids(Membership, rows)

        if new < rows:  # former members rejoining: their record gets the file's phone and profile
            for choice, person in selected(0):
                if choice > 0:
                    profile = {k: v for k, v in zip(PROFILE_FIELDS, person[9:13], strict=True) if v}
                    Person.objects.filter(pk=choice).update(mobile=person[8], **profile)

        def people() -> Iterator[tuple]:
            ids = iter(new_ids)
            for choice, person in selected(0):
                if choice == NEW:
                    yield (next(ids), *person, now)

        def joined() -> Iterator[tuple]:
            """(membership id, person id, whether the person is new, prepared membership), in order."""
            person_ids, ids = iter(new_ids), iter(membership_ids)
            for choice, membership in selected(1):
                yield next(ids), next(person_ids) if choice == NEW else choice, choice == NEW, membership

        def memberships() -> Iterator[tuple]:
            for membership_id, person_id, _new, (enterprise_id, card_number, started_on, _name) in joined():
                yield (
                    membership_id,
                    person_id,
                    union.pk,
                    enterprise_id,
                    card_number,
                    started_on,
                    "joined",
                    None,
                    "",
                    note,
                    now,
                )

        def audits() -> Iterator[tuple]:
            """One audit row per membership; it says whether the person's record was created with it."""
            for membership_id, person_id, new, (_e, _c, started_on, name) in joined():
                yield (
                    self.at,
                    self.actor_id,
                    self.username,
                    "membership.join",
                    "members.membership",
                    str(membership_id),
                    f"{name} @ {union.name}"[:200],
                    self.ip,
                    "ok",
                    {
                        "union": union.code,
                        "started_on": str(started_on),
                        "person": person_id,
                        "person_created": new,
                        "via": "roster_import",
                    },
                )

        rejoining = [choice for choice, _person in selected(0) if choice > 0] if new < rows else []
        with person_changing(*rejoining):  # the roll-ups: former members in full, new people by month
            bulk.insert(Person, PERSON_FIELDS, people(), adapted=True)
            bulk.insert(Membership, MEMBERSHIP_FIELDS, memberships(), adapted=True)
            self.spool_audits(audits())
        record_new_joiners(
            union,
            (
                date.fromisoformat(str(started_on)[:10])
                for choice, (_e, _c, started_on, _n) in selected(1)
                if choice == NEW
            ),
        )

    def spool_audits(self, rows: Iterator[tuple]) -> None:
        while chunk := list(itertools.islice(rows, AUDIT_SPOOL_ROWS)):
            pickle.dump(chunk, self.audits, protocol=5)
            self.audit_chunks += 1
            self.audit_rows += len(chunk)

    def finish(self) -> None:
        """Chains the spooled audit rows onto the audit log and inserts them, last in the import's
        transaction."""

        def spooled() -> Iterator[tuple]:
            self.audits.seek(0)
            for _i in range(self.audit_chunks):
                yield from pickle.load(self.audits)  # noqa: S301 (our own temporary file)

        now = self.now
        try:
            if self.audit_rows:
                rows = (
                    (now, *row[1:9], bulk.JSONText(detail), seq, prev_hash, hash_)
                    for row, detail, seq, prev_hash, hash_ in audit.chain(spooled(), self.audit_rows)
                )
                bulk.insert(AuditLog, AUDIT_FIELDS, rows, adapted=True)
        finally:
            self.audits.close()


def roster_import(
    *,
    path: Path,
    union: Organisation,
    by,
    dry_run: bool = False,
    source: str = "",
    progress: Progress | None = None,
    on_write: Callable[[], None] | None = None,
) -> ImportResult:
    """Imports a roster file into a grassroots union the actor manages.

    Raises RosterFileError when the file as a whole cannot be read, ImportAborted when the database
    refused the write (nothing written), Http404 when the union is outside the actor's scope.
    Row problems do not raise: they are in the result.
    """
    union = get_or_404(Organisation.objects.writable_by(by).grassroots(), pk=union.pk)
    if union.dissolved_on is not None:
        raise RosterFileError(_("%(union)s已撤销，不能导入会员") % {"union": union})
    source = source or Path(path).name
    streamed = not dry_run and connection.vendor == "postgresql"
    spool = Spool() if not dry_run and not streamed else None
    try:
        with transaction.atomic() if streamed else contextlib.nullcontext():
            writer = _Writer(union=union, by=by, source=source) if not dry_run else None
            sink = ChunkWriter(writer) if streamed else spool
            result = check(path=Path(path), union=union, progress=progress, sink=sink)
            result.dry_run = dry_run
            if on_write is not None and not dry_run:
                on_write()
            with transaction.atomic():
                if spool is not None:
                    if connection.vendor == "sqlite":  # the default 2 MB page cache thrashes on the indexes
                        with connection.cursor() as cursor:
                            cursor.execute("PRAGMA cache_size = -262144")
                    writer.write(spool.selected, new=spool.new, rows=spool.rows)
                if writer is not None:
                    writer.finish()
                audit_record(
                    actor=by,
                    action="roster.import" if not dry_run else "roster.check",
                    obj=union,
                    detail={"file": source, **result.summary()},
                )
    except IntegrityError:
        raise ImportAborted(
            _("导入期间有人同时登记或修改了名册中的人员，本次未写入任何数据；请重新导入该文件")
        ) from None
    finally:
        if spool is not None:
            spool.close()
    return result
