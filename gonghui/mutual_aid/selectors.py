"""Reads of mutual aid, each through visible_to: lists with their counts in one query, the claims
waiting for a user's step, a worker's own claims."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.mutual_aid.models import Claim, Enrolment, EnrolmentBatch, LedgerEntry, Plan, Status
from gonghui.mutual_aid.rules import CENT

# Whose step a state waits for: the claim's union (审核, 补充材料) or the federation running its plan.
WAITING_FOR_UNION = (Status.SUBMITTED, Status.RETURNED)
WAITING_FOR_FEDERATION = (Status.UNION_REVIEWED, Status.FEDERATION_REVIEWED, Status.AMOUNT_SET, Status.PAID)


def plan_list(user) -> QuerySet[Plan]:
    """One query: each plan with its federation and its enrolment count."""
    return (
        Plan.objects.visible_to(user)
        .select_related("federation")
        .annotate(enrolled=Count("enrolments"))
        .order_by("-starts_on", "kind", "pk")
    )


def batch_list(user, *, plan: int | None = None) -> QuerySet[EnrolmentBatch]:
    qs = EnrolmentBatch.objects.visible_to(user).select_related("plan", "union", "enterprise", "created_by")
    if plan:
        qs = qs.filter(plan_id=plan)
    return qs.order_by("-enrolled_on", "-pk")


def batch_enrolments(batch: EnrolmentBatch) -> QuerySet[Enrolment]:
    return batch.enrolments.select_related("person").order_by("person__name_pinyin", "pk")


def claim_list(
    user, *, status: str = "", plan: int | None = None, year: int | None = None
) -> QuerySet[Claim]:
    """One query: claims with their plan, person and union."""
    qs = Claim.objects.visible_to(user).select_related("plan", "person", "union")
    if status:
        qs = qs.filter(status=status)
    if plan:
        qs = qs.filter(plan_id=plan)
    if year:
        qs = qs.filter(filed_on__year=year)
    return qs.order_by("-filed_on", "-pk")


def waiting_for(user) -> QuerySet[Claim] | None:
    """Claims waiting for this user's step; None when no claim step is theirs."""
    scope = scope_of(user)
    claims = Claim.objects.visible_to(user)
    if scope.role == Role.UNION_ADMIN:
        return claims.filter(union_id=scope.organisation_id).filter(
            Q(status=Status.SUBMITTED) & ~Q(created_by_id=scope.user_id) | Q(status=Status.RETURNED)
        )
    if scope.role == Role.FEDERATION_STAFF:
        return claims.filter(plan__federation_id=scope.organisation_id, status__in=WAITING_FOR_FEDERATION[:3])
    return None


def waiting_count(user) -> int | None:
    claims = waiting_for(user)
    return None if claims is None else claims.count()


def ledger(user, *, year: int | None = None) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.visible_to(user).select_related(
        "claim", "plan", "person", "union", "recorded_by"
    )
    if year:
        qs = qs.filter(paid_on__year=year)
    return qs.order_by("-paid_on", "-pk")


def ledger_total(entries: QuerySet[LedgerEntry]) -> dict:
    row = entries.order_by().aggregate(count=Count("pk"), total=Sum("amount"))
    return {"count": row["count"], "total": (row["total"] or Decimal(0)).quantize(CENT)}


def own_claims(user) -> QuerySet[Claim]:
    """A worker's own claims with their plan and payment (state and amount; no medical details)."""
    return (
        Claim.objects.filter(person_id=scope_of(user).person_id)
        .visible_to(user)
        .select_related("plan", "union", "payment")
        .order_by("-filed_on", "-pk")
    )


def own_enrolments(user) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(person_id=scope_of(user).person_id)
        .visible_to(user)
        .select_related("plan")
        .order_by("-covered_from", "pk")
    )
