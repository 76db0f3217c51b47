"""A worker's contest results on their talent record (registry.talent): one entry per result of a
published event, with the contest's level, the place, the event as the craft and the award."""

from django.urls import reverse

from gonghui.contests.models import Result
from gonghui.core.registry import Evidence

KIND = "contests.result"


def evidence(person) -> list[Evidence]:
    results = (
        Result.objects.filter(registration__person=person, event__published_at__isnull=False)
        .select_related("event__contest")
        .order_by("-event__contest__held_on", "pk")
    )
    entries = []
    for result in results:
        event, contest = result.event, result.event.contest
        award = f" {result.get_award_display()}" if result.award else ""
        entries.append(
            Evidence(
                kind=KIND,
                on=contest.held_on,
                title=f"{contest.title} {event.name} 第{result.place}名{award}",
                level=contest.level,
                place=result.place,
                craft=event.name,
                url=reverse("contests:ranking", args=[event.pk]),
                ref=f"{KIND}:{result.pk}",
            )
        )
    return entries
