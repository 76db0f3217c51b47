from datetime import date

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.members.models import MemberMonth
from gonghui.orgs.models import Enterprise, Officer, Organisation


def members_now():
    """Active members of the organisation's subtree, from the members' roll-up (members.MemberMonth):
    a few dozen rows of the organisation, whatever its size."""
    rows = (
        MemberMonth.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Sum(F("started") - F("ended")))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def managed_unions(user) -> QuerySet[Organisation]:
    """Grassroots unions the user acts for (keeps the roster, runs activities): not dissolved."""
    return Organisation.objects.writable_by(user).grassroots().filter(dissolved_on__isnull=True)


def organisation_tree(user) -> list[dict]:
    """The visible organisations as nested nodes with their active member counts (one query)."""
    orgs = list(Organisation.objects.visible_to(user).annotate(active_members=members_now()).order_by("path"))
    nodes = {org.pk: {"org": org, "children": []} for org in orgs}
    roots = []
    for org in orgs:
        parent = nodes.get(org.parent_id)
        (parent["children"] if parent else roots).append(nodes[org.pk])
    return roots


def enterprise_list(user, *, category: str = "", has_union: str = "", q: str = "") -> QuerySet[Enterprise]:
    qs = Enterprise.objects.visible_to(user).select_related("union")
    if category == "key":
        qs = qs.filter(is_key=True)
    elif category == "large":
        qs = qs.filter(headcount__gte=Enterprise.LARGE_HEADCOUNT)
    elif category == "new_form":
        qs = qs.filter(is_new_employment_form=True)
    if has_union == "yes":
        qs = qs.filter(union__isnull=False)
    elif has_union == "no":
        qs = qs.filter(union__isnull=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    return qs.order_by("name", "pk")


def union_term(officers: list[Officer], today: date | None = None) -> dict:
    """The union's current term (届): the chair's, or the latest among the committee when there is no chair.

    overdue: the term has run out and no new committee has been elected (换届逾期).
    """
    today = today or timezone.localdate()
    committee = [o for o in officers if o.role in Officer.COMMITTEE_ROLES]
    chair = next((o for o in committee if o.role == Officer.Role.CHAIR), None)
    ends = chair.term_end if chair else max((o.term_end for o in committee), default=None)
    return {"term_end": ends, "term_overdue": ends is not None and ends < today}


def federation_summary(federation: Organisation) -> dict:
    """A federation's page: the standing unions and active members of its subtree (two queries: the members from the roll-up), its staff."""
    figures = (
        Organisation.objects.subtree(federation)
        .grassroots()
        .aggregate(unions_standing=Count("pk", filter=Q(dissolved_on__isnull=True)))
    )
    figures["active_members"] = Organisation.objects.filter(pk=federation.pk).values_list(
        members_now(), flat=True
    )[0]
    return {**figures, "officers": list(federation.users.filter(is_active=True).order_by("username"))}


def unions_below(federation: Organisation) -> QuerySet[Organisation]:
    """The grassroots unions of the subtree with their active member counts, for a paginated list."""
    return (
        Organisation.objects.subtree(federation)
        .grassroots()
        .annotate(active_members=members_now())
        .order_by("code", "pk")
    )


def union_summary(union: Organisation) -> dict:
    """The union page: members, enterprises, sign-ins, and the officers in office by body (3 queries)."""
    order = {role: i for i, role in enumerate(Officer.Role.values)}
    officers = sorted(
        union.officers.current().select_related("person"), key=lambda o: (order[o.role], o.person.name_pinyin)
    )
    return {
        "active_members": union.memberships.active().count(),
        "enterprises": list(union.enterprises.order_by("name")),
        "officers": list(union.users.filter(is_active=True).order_by("username")),
        "committee": [o for o in officers if o.body == "committee"],
        "audit_committee": [o for o in officers if o.body == "audit"],
        "women_committee": [o for o in officers if o.body == "women"],
        **union_term(officers),
    }
