"""The mutual-aid roll-ups (AidMonth, AidPayDays): what each enrolment, claim and payment adds to the
rows of its union and of every organisation above it.

Enrolments, claims and ledger entries are written once and never move to another union or month (a
claim keeps its filing date and its enrolment's union; the ledger is append-only), so the services
add a row's contribution when they create it, in the same transaction. A payment counts in the month
it was paid, whatever the month of the stay or of the filing: a claim for a December stay paid in
January counts in January. rebuild recomputes everything with one grouped query per kind of row.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncMonth

from gonghui.core import rollups
from gonghui.mutual_aid.models import AidMonth, AidPayDays, Claim, Enrolment, LedgerEntry
from gonghui.mutual_aid.rules import CENT
from gonghui.orgs.models import Organisation

DaysKey = tuple[int, date, int]  # (organisation id, first day of the month, days from filing to payment)


def enrolment_months(covered_from: date, covered_until: date) -> list[date]:
    """The month an enrolment counts in for each year its cover overlaps: the month its cover starts
    in its first year, January in the years after."""
    return [
        rollups.month_of(max(covered_from, date(year, 1, 1)))
        for year in range(covered_from.year, covered_until.year + 1)
    ]


def _ancestor_ids(union: Organisation) -> list[int]:
    paths = rollups.ancestor_paths(union.path)
    return list(Organisation.objects.filter(path__in=paths).values_list("pk", flat=True))


def record_enrolments(union: Organisation, covers: Iterable[tuple[date, date]]) -> None:
    """Enrolments just created for the union, as (covered_from, covered_until)."""
    months = Counter(month for start, end in covers for month in enrolment_months(start, end))
    changes: Counter = Counter()
    for organisation_id in _ancestor_ids(union):
        for month, n in months.items():
            changes[organisation_id, month, "enrolments"] += n
    rollups.apply(AidMonth, changes)


def record_claim(claim: Claim) -> None:
    changes = Counter(
        {(pk, rollups.month_of(claim.filed_on), "claims"): 1 for pk in _ancestor_ids(claim.union)}
    )
    rollups.apply(AidMonth, changes)


def record_payment(entry: LedgerEntry, filed_on: date) -> None:
    month = rollups.month_of(entry.paid_on)
    ancestors = _ancestor_ids(entry.union)
    changes: Counter = Counter()
    for pk in ancestors:
        changes[pk, month, "paid"] += 1
        changes[pk, month, "paid_amount"] += entry.amount
    rollups.apply(AidMonth, changes)
    add_days({(pk, month, (entry.paid_on - filed_on).days): 1 for pk in ancestors})


def add_days(changes: dict[DaysKey, int]) -> None:
    for (organisation_id, month, days), n in sorted(changes.items()):
        existing = AidPayDays.objects.filter(organisation_id=organisation_id, month=month, days=days)
        if existing.update(payments=F("payments") + n):
            continue
        try:
            with transaction.atomic():
                AidPayDays.objects.create(organisation_id=organisation_id, month=month, days=days, payments=n)
        except IntegrityError:  # another transaction created the row meanwhile
            existing.update(payments=F("payments") + n)


def figures() -> tuple[Counter, Counter]:
    """Every organisation's AidMonth counts and AidPayDays counts from the raw rows: one grouped query
    per kind of row (by union and month), spread to the organisations above in Python."""
    above = rollups.ancestors_by_id(Organisation.objects.all())

    months: Counter = Counter()
    covers = Enrolment.objects.values("union_id", "covered_from", "covered_until").annotate(n=Count("pk"))
    for row in covers.order_by():
        for month in enrolment_months(row["covered_from"], row["covered_until"]):
            for pk in above[row["union_id"]]:
                months[pk, month, "enrolments"] += row["n"]
    filed = Claim.objects.values("union_id", m=TruncMonth("filed_on")).annotate(n=Count("pk"))
    for row in filed.order_by():
        for pk in above[row["union_id"]]:
            months[pk, row["m"], "claims"] += row["n"]
    paid = LedgerEntry.objects.values("union_id", m=TruncMonth("paid_on")).annotate(
        n=Count("pk"), amount=Sum("amount")
    )
    for row in paid.order_by():
        amount = row["amount"].quantize(CENT)  # one union's month: exact even where SUM is a float (SQLite)
        for pk in above[row["union_id"]]:
            months[pk, row["m"], "paid"] += row["n"]
            months[pk, row["m"], "paid_amount"] += amount
    waited = ExpressionWrapper(F("paid_on") - F("claim__filed_on"), output_field=DurationField())
    days: Counter = Counter()
    by_days = LedgerEntry.objects.values("union_id", m=TruncMonth("paid_on"), d=waited).annotate(
        n=Count("pk")
    )
    for row in by_days.order_by():
        for pk in above[row["union_id"]]:
            days[pk, row["m"], _days(row["d"])] += row["n"]
    return months, days


def _days(value) -> int:
    return value.days if isinstance(value, timedelta) else int(value)


def rebuild() -> int:
    months, days = figures()
    written = rollups.replace_all(AidMonth, months)
    AidPayDays.objects.all().delete()
    AidPayDays.objects.bulk_create(
        [
            AidPayDays(organisation_id=o, month=m, days=d, payments=n)
            for (o, m, d), n in sorted(days.items())
            if n
        ],
        batch_size=5000,
    )
    return written + sum(1 for n in days.values() if n)
