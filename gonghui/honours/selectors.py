from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gonghui.core import registry
from gonghui.core.registry import Evidence, TalentSource
from gonghui.core.scope import scope_of
from gonghui.honours.models import (
    Award,
    EligibilityRule,
    HonourTitle,
    Level,
    Nomination,
    NominationRound,
    Objection,
    Status,
)
from gonghui.honours.rules import QuotaState, quota_states
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Organisation

# A staff member's next move waits on these (公示 waits only once its period is over).
WAITING = (Status.RECOMMENDED, Status.MATERIAL_REVIEW, Status.EVALUATION, Status.APPROVAL)


def ancestor_paths(path: str) -> list[str]:
    """ "/CITY/ZONE/U0001/" → ["/CITY/", "/CITY/ZONE/", "/CITY/ZONE/U0001/"]."""
    parts = path.strip("/").split("/") if path else []
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# --- talent record ---


@dataclass(frozen=True)
class TalentColumn:
    source: TalentSource
    entries: list[Evidence]


def talent_record(person: Person) -> list[TalentColumn]:
    """Every registered source's entries for the person, newest first, in the sources' order."""
    return [
        TalentColumn(source, sorted(source.evidence(person), key=lambda e: e.on, reverse=True))
        for source in registry.talent
    ]


def talent_evidence(person: Person) -> list[Evidence]:
    return [entry for column in talent_record(person) for entry in column.entries]


def rules_for(person: Person) -> QuerySet[EligibilityRule]:
    """The rules of every federation above the unions the person is a member of now."""
    paths = {
        p
        for path in Membership.objects.active().filter(person=person).values_list("union__path", flat=True)
        for p in ancestor_paths(path)
    }
    return EligibilityRule.objects.filter(federation__path__in=paths).select_related("title").order_by("pk")


def open_rounds(user, *, title: HonourTitle, level: str, on: date) -> QuerySet[NominationRound]:
    return NominationRound.objects.visible_to(user).filter(title=title, level=level, closes_on__gte=on)


# --- rounds and nominations ---


def round_list(user) -> QuerySet[NominationRound]:
    """One query: each round with its federation, title and candidates by stage."""
    return (
        NominationRound.objects.visible_to(user)
        .select_related("federation", "title")
        .annotate(
            candidates=Count("nominations", filter=~Q(nominations__status=Status.REJECTED)),
            in_publicity=Count("nominations", filter=Q(nominations__status=Status.PUBLICITY)),
            awarded=Count("nominations", filter=Q(nominations__status=Status.AWARDED)),
        )
        .order_by("-year", "-pk")
    )


def nominations_of(round: NominationRound, user) -> QuerySet[Nomination]:
    return (
        Nomination.objects.visible_to(user)
        .filter(round=round)
        .select_related("person", "organisation", "union")
        .annotate(unanswered=Count("objections", filter=Q(objections__answered_at__isnull=True)))
        .order_by("pk")
    )


def round_quotas(round: NominationRound) -> list[QuotaState]:
    """The live quota figures over every candidate still in the round (whoever reads them)."""
    attributes = list(round.nominations.exclude(status=Status.REJECTED).values_list("attributes", flat=True))
    return quota_states(round.quotas.all(), round.places, attributes)


def in_publicity(round: NominationRound, on: date) -> QuerySet[Nomination]:
    """The public notice's candidates on that day: name, workplace and deeds — no ID number, no phone."""
    return (
        round.nominations.filter(
            status=Status.PUBLICITY, publicity_starts_on__lte=on, publicity_ends_on__gte=on
        )
        .select_related("person", "organisation")
        .only(
            "pk",
            "workplace",
            "deeds",
            "publicity_starts_on",
            "publicity_ends_on",
            "person__name",
            "organisation__name",
            "round_id",
        )
        .order_by("pk")
    )


def nomination_waiting(user) -> QuerySet[Nomination]:
    """Nominations waiting for this officer's step: in rounds they run, not yet decided."""
    rounds = NominationRound.objects.writable_by(user)
    return Nomination.objects.filter(round__in=rounds).filter(
        Q(status__in=WAITING) | Q(status=Status.PUBLICITY, publicity_ends_on__lt=timezone.localdate())
    )


def objections_unanswered(user) -> QuerySet[Objection]:
    return Objection.objects.visible_to(user).filter(answered_at__isnull=True)


# --- awards and the five-year tally ---


def award_list(user, *, year: int | None = None) -> QuerySet[Award]:
    qs = Award.objects.visible_to(user).select_related("title", "person", "organisation")
    return qs.filter(year=year) if year else qs


def five_years(year: int) -> tuple[int, int]:
    return year - 4, year


def tally(root: Organisation, year: int) -> list[dict]:
    """One query: awards of root's subtree over the five years ending with year, by title and level."""
    first, last = five_years(year)
    counts = {
        (row["title"], row["level"]): row["n"]
        for row in Award.objects.filter(organisation__path__startswith=root.path, year__range=(first, last))
        .values("title", "level")
        .annotate(n=Count("pk"))
    }
    return [
        {
            "title": title,
            "counts": [counts.get((title.pk, level), 0) for level in Level.values],
            "total": sum(counts.get((title.pk, level), 0) for level in Level.values),
        }
        for title in HonourTitle.objects.order_by("order", "pk")
    ]


def tally_roots(user) -> QuerySet[Organisation]:
    if not scope_of(user).can("honours.manage"):
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user).exclude(kind__in=Organisation.GRASSROOTS_KINDS)


def nomination_list(user, *, round: int | None = None, status: str = "") -> QuerySet[Nomination]:
    """One query: the nominations the user reaches, with their round, candidate and nominating union."""
    qs = Nomination.objects.visible_to(user).select_related("round", "person", "organisation", "union")
    if round:
        qs = qs.filter(round_id=round)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-round_id", "pk")
