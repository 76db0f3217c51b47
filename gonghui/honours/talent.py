"""The honours app's own entries in a worker's talent record: the awards they hold."""

from datetime import date

from django.urls import reverse

from gonghui.core.registry import Evidence
from gonghui.honours.models import Award


def award_evidence(person) -> list[Evidence]:
    return [
        Evidence(
            kind="honours.award",
            on=award.awarded_on or date(award.year, 12, 31),
            title=f"{award.year}年{award.get_level_display()}{award.title.name}",
            level=award.level,
            url=reverse("honours:award_list") + f"?year={award.year}",
            ref=f"honours.award:{award.pk}",
        )
        for award in Award.objects.filter(person=person).select_related("title")
    ]
