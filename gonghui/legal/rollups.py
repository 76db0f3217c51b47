"""The legal service's roll-up (LegalMonth): what each case adds to the rows of the organisation
handling it and of every organisation above it, in the month it was received.

A consultation or an aid application counts once, when it is recorded (its organisation and day
never change). A mediation's counts follow its moves: the services wrap every move of a dispute in
dispute_changing, which takes the dispute's contribution before and after (the row locked) and adds
the difference. Who handles a case (its lawyer, its mediator) is not counted, so assigning or
changing one changes nothing here. rebuild recomputes everything with one grouped query per kind of
case.
"""

from collections import Counter
from contextlib import contextmanager
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from gonghui.core import rollups
from gonghui.legal.models import AidCase, Clock, Consultation, Dispute, LegalMonth
from gonghui.orgs.models import Organisation

DISPUTE_FIELDS = ("disputes", "concluded", "agreement", "arbitration", "litigation", "not_accepted")
NOT_ACCEPTED = Dispute.State.NOT_ACCEPTED


def _ancestor_ids(org_id: int) -> list[int]:
    path = Organisation.objects.filter(pk=org_id).values_list("path", flat=True).get()
    return list(
        Organisation.objects.filter(path__in=rollups.ancestor_paths(path)).values_list("pk", flat=True)
    )


def record_case(case) -> None:
    """A consultation or an aid application just recorded."""
    field, day = (
        ("consultations", case.asked_on) if isinstance(case, Consultation) else ("aid_cases", case.applied_on)
    )
    month = rollups.month_of(day)
    rollups.apply(LegalMonth, Counter({(pk, month, field): 1 for pk in _ancestor_ids(case.org_id)}))


def dispute_counts(*, state: str, outcome: str, referred_to: str, mediation: tuple | None) -> Counter:
    """One dispute's counts (field → 0 or 1); mediation is its mediation clock's (stopped_on, due_on)."""
    stopped_on, due_on = mediation or (None, None)
    ended = bool(outcome) and stopped_on is not None
    return Counter(
        {
            "disputes": 1,
            "concluded": int(bool(outcome)),
            "agreement": int(outcome == Dispute.Outcome.AGREEMENT),
            "arbitration": int(referred_to == Dispute.Referral.ARBITRATION),
            "litigation": int(referred_to == Dispute.Referral.LITIGATION),
            "not_accepted": int(state == NOT_ACCEPTED),
            "mediations_ended": int(ended),
            "mediations_in_time": int(ended and stopped_on <= due_on),
        }
    )


def _dispute_contribution(pk: int, *, lock: bool = False) -> Counter:
    disputes = Dispute.objects.select_for_update() if lock else Dispute.objects
    row = (
        disputes.filter(pk=pk).values_list("org_id", "received_on", "state", "outcome", "referred_to").first()
    )
    if row is None:
        return Counter()
    org_id, received_on, state, outcome, referred_to = row
    mediation = (
        Clock.objects.filter(dispute_id=pk, limit=Clock.Limit.MEDIATION)
        .values_list("stopped_on", "due_on")
        .first()
    )
    counts = dispute_counts(state=state, outcome=outcome, referred_to=referred_to, mediation=mediation)
    month = rollups.month_of(received_on)
    return Counter({(o, month, field): n for o in _ancestor_ids(org_id) for field, n in counts.items() if n})


def record_dispute(dispute: Dispute) -> None:
    """A dispute just received (its clocks started)."""
    rollups.apply(LegalMonth, _dispute_contribution(dispute.pk))


@contextmanager
def dispute_changing(dispute: Dispute):
    """Around a move of one dispute: its roll-up rows follow. Call inside the move's transaction; the
    dispute's row is locked from here to the end of it."""
    before = _dispute_contribution(dispute.pk, lock=True)
    yield
    rollups.apply(LegalMonth, rollups.difference(_dispute_contribution(dispute.pk), before))


def figures() -> Counter:
    """Every organisation's LegalMonth counts from the raw rows: one grouped query per kind of case
    (by organisation and month), spread to the organisations above in Python."""
    above = rollups.ancestors_by_id(Organisation.objects.all())
    total: Counter = Counter()

    def add(org_id: int, month: date, field: str, n: int) -> None:
        for pk in above[org_id]:
            total[pk, month, field] += n

    for model, day, field in (
        (Consultation, "asked_on", "consultations"),
        (AidCase, "applied_on", "aid_cases"),
    ):
        for row in model.objects.values("org_id", m=TruncMonth(day)).annotate(n=Count("pk")).order_by():
            add(row["org_id"], row["m"], field, row["n"])
    outcome = ~Q(outcome="")
    disputes = (
        Dispute.objects.values("org_id", m=TruncMonth("received_on"))
        .annotate(
            disputes=Count("pk"),
            concluded=Count("pk", filter=outcome),
            agreement=Count("pk", filter=Q(outcome=Dispute.Outcome.AGREEMENT)),
            arbitration=Count("pk", filter=Q(referred_to=Dispute.Referral.ARBITRATION)),
            litigation=Count("pk", filter=Q(referred_to=Dispute.Referral.LITIGATION)),
            not_accepted=Count("pk", filter=Q(state=NOT_ACCEPTED)),
        )
        .order_by()
    )
    for row in disputes:
        for field in DISPUTE_FIELDS:
            add(row["org_id"], row["m"], field, row[field])
    clocks = (
        Clock.objects.filter(limit=Clock.Limit.MEDIATION, dispute__isnull=False, stopped_on__isnull=False)
        .exclude(dispute__outcome="")
        .values("dispute__org_id", m=TruncMonth("dispute__received_on"))
        .annotate(ended=Count("pk"), in_time=Count("pk", filter=Q(stopped_on__lte=F("due_on"))))
        .order_by()
    )
    for row in clocks:
        add(row["dispute__org_id"], row["m"], "mediations_ended", row["ended"])
        add(row["dispute__org_id"], row["m"], "mediations_in_time", row["in_time"])
    return total


def rebuild() -> int:
    return rollups.replace_all(LegalMonth, figures())
