from django.db.models import Count, Q, QuerySet

from gonghui.core import scoping
from gonghui.orgs.models import Enterprise, Organisation


def organisation_tree(user) -> list[dict]:
    """The visible organisations as nested nodes with their active member counts (two queries)."""
    orgs = list(
        scoping.visible_organisations(user)
        .annotate(active_members=Count("memberships", filter=Q(memberships__ended_on__isnull=True)))
        .order_by("path")
    )
    nodes = {org.pk: {"org": org, "children": []} for org in orgs}
    roots = []
    for org in orgs:
        parent = nodes.get(org.parent_id)
        (parent["children"] if parent else roots).append(nodes[org.pk])
    return roots


def enterprise_list(user, *, category: str = "", has_union: str = "", q: str = "") -> QuerySet[Enterprise]:
    qs = scoping.visible_enterprises(user).select_related("union")
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


def union_summary(union: Organisation) -> dict:
    return {
        "active_members": union.memberships.active().count(),
        "enterprises": list(union.enterprises.order_by("name")),
        "officers": list(union.users.filter(is_active=True).order_by("username")),
    }
