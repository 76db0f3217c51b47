"""The activity and welfare KPIs computed from the raw rows (activities, registrations, welfare
recipients): what the roll-ups must always equal."""

from django.db.models import Count, Q

from gonghui.activities.models import Activity, Registration, WelfareDistribution, WelfareRecipient
from gonghui.core.figures import Figures, both_years, split, year_bounds
from gonghui.orgs.models import Organisation


def raw_figures(root: Organisation, year: int) -> Figures:
    held = {
        "lectures": lambda y: Count(
            "pk", filter=Q(held_on__range=year_bounds(y), kind__in=Activity.LECTURE_KINDS)
        ),
        "activities": lambda y: Count("pk", filter=Q(held_on__range=year_bounds(y))),
    }
    present = {
        "activity_attendees": lambda y: Count("pk", filter=Q(activity__held_on__range=year_bounds(y))),
    }
    received = {
        "welfare_recipients": lambda y: Count(
            "pk", filter=Q(distribution__distributed_on__range=year_bounds(y))
        ),
    }
    activities = Activity.objects.filter(organiser__path__startswith=root.path, status=Activity.Status.HELD)
    registrations = Registration.objects.filter(
        attended=True,
        activity__status=Activity.Status.HELD,
        activity__organiser__path__startswith=root.path,
    )
    recipients = WelfareRecipient.objects.filter(
        distribution__status=WelfareDistribution.Status.SIGNED_OFF,
        distribution__union__path__startswith=root.path,
    )
    return (
        split(activities.aggregate(**both_years(held, year)), held)
        | split(registrations.aggregate(**both_years(present, year)), present)
        | split(recipients.aggregate(**both_years(received, year)), received)
    )
