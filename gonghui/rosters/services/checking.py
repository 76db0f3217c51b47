"""Checking a roster: every row read, validated and classified, and the new people prepared.

An import checks every row — reads, validates and classifies it as a new member, unchanged (already
an active member of this union), a conflict (active in another union) or an error — and prepares
each new person (ID number hashed and encrypted, pinyin computed), chunk by chunk; a dry run stops
there. The pure part of the work (reading, validation, hashing, encryption, pinyin) runs in forked
worker processes for big files (`parallel.py`); the main process finds duplicates, looks the
chunk's people up in the database and classifies the rows. For an import, each checked chunk goes
to a sink that writes it (see writing.py).
"""

import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import crypto
from gonghui.core.pinyin import name_pinyin
from gonghui.core.validators import birth_year_of, gender_of, mask_id
from gonghui.members import rules
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Organisation
from gonghui.rosters import excel, parallel
from gonghui.rosters.services.reading import Problem, RowReader

CHUNK = 2000  # rows checked together in one process; progress is reported per chunk

Progress = Callable[[int, int], None]

# A chunk's selection, one entry per row the workers prepared: create the person (NEW), leave the
# row out (SKIP), or (> 0) the id of a former member who rejoins.
NEW, SKIP = 0, -1


class Sink(Protocol):
    """Where an import's check sends each chunk: what the workers prepared for its rows without
    problems (the people and the memberships, pickled) and the selection for each of those rows."""

    def add(self, prepared: tuple[bytes, bytes], selection: list[int]) -> None: ...


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = True

    @property
    def conflicts(self) -> int:
        return len({p.row for p in self.problems if p.kind == "conflict"})

    @property
    def errors(self) -> int:
        return len({p.row for p in self.problems if p.kind == "error"})

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
            "errors": self.errors,
        }


@dataclass
class _Known:
    person_id: int
    name: str
    active_union: tuple[int, str] | None  # (id, name) of the union where they are active
    last_ended: date | None


def _among(column: str, values: list) -> tuple[str, list]:
    """SQL for "column is one of values", and its parameters: one array parameter on PostgreSQL
    (psycopg parses a query's placeholders in Python, 17 ms for a chunk's 2,000), a list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _lookup(hashes: list[str]) -> dict[str, _Known]:
    """People already registered under these ID numbers, with their active union and the end of their
    last membership: two queries, raw (the ORM prepares each of 2,000 values one by one)."""
    person, membership, organisation = (m._meta.db_table for m in (Person, Membership, Organisation))
    with connection.cursor() as cursor:
        condition, parameters = _among('"id_hash"', hashes)
        cursor.execute(f'SELECT "id", "id_hash", "name" FROM "{person}" WHERE {condition}', parameters)  # noqa: S608
        people = {h: (pk, name) for pk, h, name in cursor.fetchall()}
        if not people:
            return {}
        condition, parameters = _among('m."person_id"', [pk for pk, _name in people.values()])
        cursor.execute(
            f'SELECT m."person_id", m."union_id", o."name", m."ended_on" FROM "{membership}" m '  # noqa: S608
            f'JOIN "{organisation}" o ON o."id" = m."union_id" WHERE {condition}',
            parameters,
        )
        active, ended = {}, {}
        for person_id, union_id, union_name, ended_on in cursor.fetchall():
            if ended_on is None:
                active[person_id] = (union_id, union_name)
                continue
            ended_on = ended_on if isinstance(ended_on, date) else date.fromisoformat(ended_on)
            ended[person_id] = max(ended_on, ended.get(person_id, ended_on))
    return {h: _Known(pk, name, active.get(pk), ended.get(pk)) for h, (pk, name) in people.items()}


def check(*, path: Path, union: Organisation, progress: Progress | None, sink: Sink | None) -> ImportResult:
    """Checks every row of the file for the union; with a sink (an import), each chunk's prepared
    rows and their selection go to it as soon as the chunk is classified."""
    sheet = excel.open_roster(path)
    reader = RowReader(union=union, positions=sheet.positions, today=timezone.localdate())
    result = ImportResult()
    seen: dict[bytes, int] = {}  # ID hash (its 32 bytes: half the memory of the hex) → its first row
    total = max(sheet.height - 1, 0)

    def classify(keys: list[tuple]) -> list[int]:
        """Records each row's problems and counts; returns the selection for the rows the worker
        prepared (those without problems of their own), in their order."""
        selection: list[int] = []
        candidates = []
        for number, problems, id_hash, name, started_on in keys:
            result.rows += 1
            if problems:
                result.problems.extend(problems)
                continue
            first = seen.setdefault(bytes.fromhex(id_hash), number)
            if first != number:
                result.problems.append(
                    Problem(
                        number,
                        "公民身份号码",
                        _("与第%(row)d行重复（以第一次出现的为准）") % {"row": first},
                    )
                )
                selection.append(SKIP)
            else:
                candidates.append((len(selection), number, id_hash, name, started_on))
                selection.append(NEW)
        known = _lookup([c[2] for c in candidates]) if candidates else {}
        for position, number, id_hash, name, started_on in candidates:
            person = known.get(id_hash)
            if person is None:
                result.created += 1
                continue
            selection[position] = SKIP
            if person.name != name:
                result.problems.append(Problem(number, "姓名", rules.name_mismatch()))
            elif person.active_union is not None and person.active_union[0] == union.pk:
                result.unchanged += 1
            elif person.active_union is not None:
                reason = rules.active_elsewhere(person.active_union[1])
                result.problems.append(Problem(number, "公民身份号码", reason, kind="conflict"))
            elif problem := rules.rejoin_problem(person.last_ended, started_on):
                result.problems.append(Problem(number, "入会日期", problem))
            else:
                selection[position] = person.person_id  # rejoins: a new membership, the same person
                result.created += 1
        return selection

    checked = parallel.map_chunks(
        _check_chunk,
        _chunks(sheet.rows()),
        context=(reader, sink is not None, connection.ops.adapt_datefield_value),
        processes=parallel.processes_for(total),
    )
    for keys, prepared in checked:
        selection = classify(keys)
        if sink is not None:
            sink.add(prepared, selection)
        if progress:
            progress(result.rows, total)
    if progress:
        progress(result.rows, result.rows)
    return result


def _chunks(rows: Iterator[tuple[int, list]]) -> Iterator[list[tuple[int, list]]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_chunk(context: tuple, chunk: list[tuple[int, list]]) -> tuple[list[tuple], tuple | None]:
    """The pure part of the check, for one chunk of rows, in any process: read and validate each row
    and hash its ID number; for an import, also prepare the person (encryption, pinyin) in case
    they are new, and their membership, with dates as the database takes them.

    Returns compact keys for every row — (row number, problems, ID hash, name, join date) — and, for
    an import, the prepared people and memberships of the rows without problems, each list already
    pickled here (in the worker) so that the main process only passes the bytes on."""
    reader, prepare, adapt_date = context
    keys, people, memberships = [], [], []
    for number, cells in chunk:
        values, problems = reader.read(number, cells)
        if problems:
            keys.append((number, problems, None, None, None))
            continue
        id_hash = crypto.lookup_hash(values["id_number"])
        keys.append((number, None, id_hash, values["name"], values["started_on"]))
        if prepare:
            people.append(_prepare_person(values, id_hash, adapt_date))
            memberships.append(
                (
                    values["enterprise_id"],
                    values["card_number"],
                    adapt_date(values["started_on"]),
                    values["name"],
                )
            )
    if not prepare:
        return keys, None
    return keys, (pickle.dumps(people, protocol=5), pickle.dumps(memberships, protocol=5))


def _prepare_person(values: dict, id_hash: str, adapt_date: Callable) -> tuple:
    name, number = values["name"], values["id_number"]
    reading = name_pinyin(name)
    initials = "".join(part[0] for part in reading.split(" ") if part)
    return (
        name,
        initials[:50],
        reading[:200],
        id_hash,
        crypto.encrypt(number),
        mask_id(number),
        birth_year_of(number),
        gender_of(number),
        values["mobile"],
        values["ethnicity"],
        values["education"],
        values["occupation"],
        values["skill_level"],
    )
