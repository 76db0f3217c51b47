from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from gonghui.activities.models import Activity, Registration, WelfareDistribution, WelfareRecipient
from gonghui.core import crypto
from gonghui.core.validators import normalise_number
from gonghui.members.models import Membership, Person
from gonghui.members.selectors import ID_RE
from gonghui.orgs.models import Organisation

CENT = Decimal("0.01")  # SQLite's SUM loses the scale of a decimal column


def activity_list(user, *, year: int | None = None, kind: str = "") -> QuerySet[Activity]:
    """One query: each activity with its organiser and its registered and attended counts."""
    qs = Activity.objects.visible_to(user).select_related("organiser")
    if year:
        qs = qs.filter(held_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        registered=Count("registrations"),
        present=Count("registrations", filter=Q(registrations__attended=True)),
    ).order_by("-held_on", "-pk")


def registrations_of(activity: Activity) -> QuerySet[Registration]:
    return activity.registrations.select_related("person").order_by("person__name_pinyin", "pk")


def welfare_list(user, *, year: int | None = None) -> QuerySet[WelfareDistribution]:
    """One query: each distribution with its union, officers, number of recipients and total amount."""
    qs = WelfareDistribution.objects.visible_to(user).select_related("union", "created_by", "signed_off_by")
    if year:
        qs = qs.filter(distributed_on__year=year)
    return qs.annotate(recipient_count=Count("recipients"), total=Sum("recipients__amount")).order_by(
        "-distributed_on", "-pk"
    )


def recipients_of(distribution: WelfareDistribution) -> QuerySet[WelfareRecipient]:
    return distribution.recipients.select_related("person").order_by("person__name_pinyin", "pk")


def welfare_totals(distribution: WelfareDistribution) -> dict:
    row = distribution.recipients.aggregate(count=Count("pk"), total=Sum("amount"))
    return {"count": row["count"], "total": (row["total"] or Decimal(0)).quantize(CENT)}


def person_by_key(*, root: Organisation, key: str) -> Person | None:
    """A person by exact ID number, or by member card number within root's subtree; None if unknown.

    Callers answer "not a member" in both cases, so the lookup reveals nothing about other unions.
    """
    key = (key or "").strip()
    compact = normalise_number(key)
    if ID_RE.fullmatch(compact):
        return Person.objects.filter(id_hash=crypto.lookup_hash(compact)).first()
    if not key:
        return None
    membership = (
        Membership.objects.filter(card_number=key, union__path__startswith=root.path)
        .select_related("person")
        .order_by("-started_on")
        .first()
    )
    return membership.person if membership else None
