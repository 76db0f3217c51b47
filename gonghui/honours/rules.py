"""The rules that are data: a round's quotas over its candidates, and the federation's eligibility
rules over a worker's talent record. Pure functions of rows already read; the services and the pages
both call them, so the page shows the same figures the service checks."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.core.registry import Evidence
from gonghui.honours.models import Attribute, EligibilityRule, Quota


@dataclass(frozen=True)
class QuotaState:
    quota: Quota
    places: int
    candidates: int  # candidates still in the round
    having: int  # of them, those with the attribute

    @property
    def needed(self) -> int:
        """Candidates with the attribute the round needs once its places are filled."""
        return math.ceil(self.places * self.quota.min_percent / 100)

    @property
    def percent(self) -> float | None:
        return round(self.having * 100 / self.candidates, 1) if self.candidates else None

    @property
    def met(self) -> bool:
        return self.candidates > 0 and self.having * 100 >= self.quota.min_percent * self.candidates

    @property
    def reachable(self) -> bool:
        """The places still open can bring it to the quota."""
        return self.having + (self.places - self.candidates) >= self.needed


def quota_states(
    quotas: Iterable[Quota], places: int, attributes: Sequence[Sequence[str]]
) -> list[QuotaState]:
    """attributes: each candidate's attribute keys."""
    return [
        QuotaState(quota, places, len(attributes), sum(quota.attribute in a for a in attributes))
        for quota in quotas
    ]


def quota_refusal(
    quotas: Iterable[Quota], places: int, attributes: Sequence[Sequence[str]], adding: Sequence[str]
) -> str:
    """Why adding a candidate with these attributes to a round with a place left breaks a quota; "" when
    it does not."""
    for state in quota_states(quotas, places, [*attributes, adding]):
        if not state.reachable:
            label = Attribute(state.quota.attribute).label
            return _(
                "%(attr)s比例须不低于%(pct)d%%（%(places)d个名额中至少%(needed)d人），已推荐%(n)d人中%(attr)s%(have)d人，"
                "再推荐非%(attr)s将无法达到比例"
            ) % {
                "attr": label,
                "pct": state.quota.min_percent,
                "places": places,
                "needed": state.needed,
                "n": len(attributes),
                "have": state.having - (state.quota.attribute in adding),
            }
    return ""


@dataclass(frozen=True)
class Eligibility:
    rule: EligibilityRule
    evidence: list[Evidence]  # the entries that satisfy the rule

    @property
    def met(self) -> bool:
        return len(self.evidence) >= self.rule.min_count


def evaluate(rules: Iterable[EligibilityRule], evidence: Sequence[Evidence]) -> list[Eligibility]:
    """Each rule with the entries of the talent record it counts (revoked entries never count)."""
    return [Eligibility(rule, [e for e in evidence if rule.matches(e)]) for rule in rules]
