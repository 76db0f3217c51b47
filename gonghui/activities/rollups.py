"""The activities' roll-up (ActivityMonth): what a held activity and a signed-off welfare distribution
add to the rows of the organising union (or federation) and of each organisation above it.

A held activity: +1 activities (and +1 lectures for a lecture or study session) and +n attendees (its
registrations marked attended) in the month of its date. A signed-off distribution: +n
welfare_recipients in the month it was distributed. The services call activity_changing and
welfare_signed_off in the change's transaction; rebuild recomputes all with a few grouped queries.
"""

from collections import Counter
from contextlib import contextmanager

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from gonghui.activities.models import (
    Activity,
    ActivityMonth,
    Registration,
    WelfareDistribution,
    WelfareRecipient,
)
from gonghui.core import rollups
from gonghui.orgs.models import Organisation


def _held(activities):
    return (
        activities.filter(status=Activity.Status.HELD)
        .values_list("organiser_id", TruncMonth("held_on"))
        .annotate(
            n=Count("pk"),
            lectures=Count("pk", filter=Q(kind__in=Activity.LECTURE_KINDS)),
        )
    )


def _attendances(registrations):
    return (
        registrations.filter(attended=True, activity__status=Activity.Status.HELD)
        .values_list("activity__organiser_id", TruncMonth("activity__held_on"))
        .annotate(n=Count("pk"))
    )


def _figures(activities, registrations, ancestors) -> Counter:
    out: Counter = Counter()
    held = list(_held(activities))
    rollups.add_up(out, ((o, m, n) for o, m, n, _l in held), "activities", ancestors)
    rollups.add_up(out, ((o, m, lectures) for o, m, _n, lectures in held), "lectures", ancestors)
    rollups.add_up(out, _attendances(registrations), "attendees", ancestors)
    return out


def _ancestors_of(organisation: Organisation) -> dict[int, list[int]]:
    return rollups.ancestors_by_id(
        Organisation.objects.filter(path__in=rollups.ancestor_paths(organisation.path))
    )


@contextmanager
def activity_changing(activity: Activity):
    """Around a change of one activity (held, its attendance recorded again): its roll-up rows follow.
    Call inside the change's transaction."""
    ancestors = _ancestors_of(activity.organiser)

    def figures():
        return _figures(
            Activity.objects.filter(pk=activity.pk),
            Registration.objects.filter(activity_id=activity.pk),
            ancestors,
        )

    before = figures()
    yield
    rollups.apply(ActivityMonth, rollups.difference(figures(), before))


def welfare_signed_off(distribution: WelfareDistribution) -> None:
    """A distribution just signed off (its list is final): its recipients count from now on."""
    recipients = _welfare(WelfareRecipient.objects.filter(distribution_id=distribution.pk))
    rollups.apply(
        ActivityMonth,
        rollups.add_up(Counter(), recipients, "welfare_recipients", _ancestors_of(distribution.union)),
    )


def _welfare(recipients):
    return (
        recipients.filter(distribution__status=WelfareDistribution.Status.SIGNED_OFF)
        .values_list("distribution__union_id", TruncMonth("distribution__distributed_on"))
        .annotate(n=Count("pk"))
    )


def rebuild() -> int:
    ancestors = rollups.ancestors_by_id(Organisation.objects.all())
    total = _figures(Activity.objects.all(), Registration.objects.all(), ancestors)
    rollups.add_up(total, _welfare(WelfareRecipient.objects.all()), "welfare_recipients", ancestors)
    return rollups.replace_all(ActivityMonth, total)
