import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto, keyset
from gonghui.core.keyset import starts_with, unindexed
from gonghui.core.pinyin import spaced_reading
from gonghui.core.roles import Role
from gonghui.core.scope import scope_of
from gonghui.core.validators import normalise_number
from gonghui.members.models import MemberMonth, Membership, MobileTail, Person
from gonghui.orgs.models import Enterprise, Organisation

ID_RE = re.compile(r"\d{17}[\dX]")
MOBILE_RE = re.compile(r"1\d{10}")
MOBILE_PREFIX_RE = re.compile(r"1\d{4,9}")
TAIL_RE = re.compile(r"\d{4}")
INITIALS_RE = re.compile(r"[a-z]+")
LETTERS_RE = re.compile(r"[a-z][a-z ]*")
HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·•]+")

PEOPLE_KEYS = ["name_pinyin", "id"]
PINYIN_KEYS = ["person__name_pinyin", "person_id", "pk"]
INITIALS_KEYS = ["person__name_initials", "person__name_pinyin", "person_id", "pk"]
MOBILE_KEYS = ["person__mobile", "person_id", "pk"]
NAME_KEYS = ["person__name", "person_id", "pk"]
LETTERS = "abcdefghjklmnopqrstwxyz"  # no name's pinyin starts with i, u or v
PAGE = 50

SEARCH_HINT = _(
    "请输入姓名（至少一个汉字）、两个以上拼音字母（如 zs 或 zhangsan）、手机号后四位、"
    "完整手机号或其前5位以上，或18位公民身份号码"
)


@dataclass
class MemberSearch:
    """The rows of a member list or search and the keys it is ordered and paged by; hint says why a
    search was refused (its rows are then none)."""

    queryset: QuerySet[Membership]
    keys: list[str] = field(default_factory=lambda: list(PINYIN_KEYS))
    hint: str = ""
    people: QuerySet[Person] | None = None  # when the page is read by people first (see _by_people)
    totals: dict[str, int] | None = None  # the scope's roll-up totals, when read to choose the reading


def _by_people(qs, user, union: str, prefix: str = "") -> QuerySet[Person] | None:
    """For a federation's whole list (not a union's, not a search), the people in pinyin order who
    hold a membership of the list: read along the pinyin index, each checked by its membership, it
    stops at the page's end. Read from the memberships instead, both databases would fetch and sort
    the federation's every membership for each page."""
    scope = scope_of(user)
    if union or not (scope.everything or scope.role == Role.FEDERATION_STAFF):
        return None
    people = Person.objects.filter(Exists(qs.filter(person=OuterRef("pk"))))
    return people.filter(starts_with("name_pinyin", prefix)) if prefix else people


def member_page(search: MemberSearch, *, cursor: str | None = None, jump=None, size: int = PAGE):
    """A keyset page of the list or search (gonghui.core.keyset): memberships with person, union and
    employer; two queries when the page is read by people first."""
    if search.people is None:
        return keyset.paginate(search.queryset, search.keys, cursor=cursor, jump=jump, size=size)
    page = keyset.paginate(search.people, PEOPLE_KEYS, cursor=cursor, jump=jump, size=size)
    page.rows = list(search.queryset.filter(person__in=[p.pk for p in page.rows]).order_by(*search.keys))
    return page


def member_search(user, *, q: str = "", union: str = "", status: str = "active") -> MemberSearch:
    """The member list (person, union, employer joined in: one query a page) and its searches, each
    read through an index in the order its page is sorted by (gonghui.members.models.Person.Meta):

    18 characters → the ID number's keyed hash; 11 digits → the mobile; 4 digits → the mobile's last
    four; 5–10 digits from 1 → the mobile's start; one letter → names whose pinyin starts with it;
    2–4 letters → pinyin initials (zs → 张三), or the full pinyin when no initials start so; more
    letters → the full pinyin (zhangsan, zhang s); Chinese → the name's start, and on PostgreSQL any
    part of it (trigram index). Anything else is refused with a hint.
    """
    search = _search(user, q=q, union=union, status=status)
    if search.people is None and _narrow(user, union):
        return _sorted_after_reading(search)
    if search.people is None or status not in ("active", "ended"):
        return search
    search.totals = totals = _totals(user)
    if status == "ended" and _few_ended(totals):
        return _sorted_after_reading(MemberSearch(search.queryset, search.keys, search.hint, totals=totals))
    if status == "active" and _few_beside_the_database(user, totals):
        return _sorted_after_reading(
            MemberSearch(_through_unions(search.queryset, user), search.keys, search.hint, totals=totals)
        )
    return search


def _through_unions(memberships: QuerySet[Membership], user) -> QuerySet[Membership]:
    """The subtree's unions named as well, so that both databases read the memberships through the
    unions' index instead of scanning every membership for those under the path."""
    return memberships.filter(union__in=Organisation.objects.filter(path__startswith=scope_of(user).path))


def people_through_memberships(user) -> QuerySet[Person] | None:
    """The user's people read through their memberships and sorted after reading (sorted_name_pinyin),
    where that reads fewer rows than walking every person of the database in pinyin order: a union
    admin's, and a federation's few beside the database. None where the walk is the cheaper reading."""
    scope = scope_of(user)
    members = Membership.objects.visible_to(user)
    if scope.role == Role.FEDERATION_STAFF and _few_beside_the_database(user, _totals(user)):
        members = _through_unions(members, user)
    elif scope.role != Role.UNION_ADMIN:
        return None
    return (
        Person.objects.visible_to(user)
        .filter(pk__in=members.values("person_id"))
        .annotate(sorted_name_pinyin=unindexed("name_pinyin"))
    )


def _few_beside_the_database(user, totals: dict[str, int] | None) -> bool:
    """Whether the federation's members (through its unions' index) are fewer rows to read than the
    people of the whole database walked in pinyin order to fill a page of them (about PAGE × the
    database's ÷ the federation's): in a province of ten million, a small zone's staff read its
    members and sort them, instead of walking the province's people for a page of theirs."""
    if totals is None or scope_of(user).everything:
        return False
    return totals["active"] ** 2 <= PAGE * totals["database"]


def _few_ended(totals: dict[str, int] | None) -> bool:
    """Whether the ended memberships (through their own index) are fewer rows to read than the people
    walked in pinyin order to fill a page of them (about PAGE × people ÷ ended): in a city, the few
    who left are found directly, instead of walking a million people for them."""
    return totals is not None and totals["ended"] ** 2 <= PAGE * totals["all"]


def _sorted_after_reading(search: MemberSearch) -> MemberSearch:
    """A union's list or search in the same order, sorted after it is read: its rows are a union's,
    found through the union's index (or a search's, whichever is narrower) and sorted, instead of
    walking the city's people along the order's index for those of the union."""
    first, *rest = search.keys
    name = "sorted_" + first.replace(
        "__", "_"
    )  # another search's cursor names another key, so is not taken for this one's
    return MemberSearch(
        search.queryset.annotate(**{name: unindexed(first)}), [name, *rest], search.hint, totals=search.totals
    )


def _narrow(user, union: str) -> bool:
    return bool(union) or scope_of(user).role == Role.UNION_ADMIN


def _search(user, *, q: str, union: str, status: str) -> MemberSearch:
    qs = Membership.objects.visible_to(user).select_related("person", "union", "enterprise")
    if status == "active":
        qs = qs.active()
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if union:
        qs = qs.filter(union__code=union)
    q = " ".join(q.split())
    if not q:
        return MemberSearch(qs, people=_by_people(qs, user, union))
    compact = normalise_number(q)
    lowered = q.lower()
    if ID_RE.fullmatch(compact):
        return MemberSearch(qs.filter(person__id_hash=crypto.lookup_hash(compact)))
    if MOBILE_RE.fullmatch(compact):
        return MemberSearch(qs.filter(person__mobile=compact), MOBILE_KEYS)
    if TAIL_RE.fullmatch(compact):
        return MemberSearch(qs.alias(tail=MobileTail("person__mobile")).filter(tail=compact))
    if MOBILE_PREFIX_RE.fullmatch(compact):
        return MemberSearch(qs.filter(starts_with("person__mobile", compact)), MOBILE_KEYS)
    if LETTERS_RE.fullmatch(lowered):
        return _by_pinyin(qs, lowered, people=_by_people(qs, user, union, lowered))
    if HAN_RE.fullmatch(q.replace(" ", "")):
        return _by_name(qs, q.replace(" ", ""), narrow=_narrow(user, union))
    return MemberSearch(qs.none(), hint=SEARCH_HINT)


def _by_pinyin(qs, letters: str, people) -> MemberSearch:
    if len(letters) == 1:
        return MemberSearch(qs.filter(starts_with("person__name_pinyin", letters)), people=people)
    by_initials = None
    if " " not in letters and len(letters) <= 4:
        by_initials = MemberSearch(qs.filter(starts_with("person__name_initials", letters)), INITIALS_KEYS)
        if by_initials.queryset.exists():
            return by_initials
    reading = spaced_reading(letters)
    if reading is None:  # initials that no one has, or letters that are neither
        return by_initials or MemberSearch(qs.none(), hint=SEARCH_HINT)
    return MemberSearch(qs.filter(starts_with("person__name_pinyin", reading)))


def _by_name(qs, name: str, *, narrow: bool) -> MemberSearch:
    """A union's search reads the name from the union's members: through the name's indexes the
    database would walk the city's people of a common surname (张: thousands) for the union's few."""
    column = "person__name"
    if narrow:
        column = "unindexed_name"
        qs = qs.alias(unindexed_name=unindexed("person__name"))
    found = starts_with(column, name)
    if connection.vendor == "postgresql" and len(name) > 1:
        # The trigram index finds a part of three characters or more; of two, those ending a name
        # (a given name: 小明 in 王小明), whose last trigram is padded.
        found |= Q(**{f"{column}__contains": name}) if len(name) > 2 else Q(**{f"{column}__endswith": name})
    return MemberSearch(qs.filter(found), NAME_KEYS)


def membership_list(user, *, q: str = "", union: str = "", status: str = "active") -> QuerySet[Membership]:
    """The member list or search as one queryset in its order (the API pages it by its own cursor)."""
    search = member_search(user, q=q, union=union, status=status)
    return search.queryset.order_by(*search.keys)


def member_count(
    user, *, union: str = "", status: str = "active", search: MemberSearch | None = None
) -> int | None:
    """How many rows the unsearched member list has, from the roll-ups (members.MemberMonth): a few
    dozen rows of one organisation whatever its size, never a count of the memberships. None when the
    union filter names no organisation the user reaches. search: the list's own, whose totals (the
    same scope's) are not read again."""
    totals = search.totals if search is not None and search.totals is not None else _totals(user, union)
    return None if totals is None else totals.get(status or "active")


def _totals(user, union: str = "") -> dict[str, int] | None:
    scope = scope_of(user)
    if union:
        roots = Organisation.objects.visible_to(user).filter(code=union)
    elif scope.everything:
        roots = Organisation.objects.filter(depth=0)
    elif scope.organisation_id is not None:
        roots = Organisation.objects.filter(pk=scope.organisation_id)
    else:
        return None
    # The whole database's memberships too, in the same query: _few_beside_the_database weighs by them.
    own, everyone = Q(organisation__in=roots), Q(organisation__depth=0)
    totals = MemberMonth.objects.filter(own | everyone).aggregate(
        own_started=Coalesce(Sum("started", filter=own), 0),
        own_ended=Coalesce(Sum("ended", filter=own), 0),
        database=Coalesce(Sum("started", filter=everyone), 0),
    )
    return {
        "active": totals["own_started"] - totals["own_ended"],
        "ended": totals["own_ended"],
        "all": totals["own_started"],
        "database": totals["database"],
    }


def transfer_targets(user) -> QuerySet[Organisation]:
    """Unions a member may be transferred to (会员关系接转), standing ones only: for a union admin, any
    grassroots union under the same federation (the receiving union is told by its records); for
    federation staff, those of their subtree; for platform admins, any."""
    scope = scope_of(user)
    if scope.role == Role.UNION_ADMIN and scope.path:
        standing = Organisation.objects.grassroots().filter(dissolved_on__isnull=True)
        federation_path = scope.path.rstrip("/").rsplit("/", 1)[0] + "/"
        return standing.filter(path__startswith=federation_path).exclude(pk=scope.organisation_id)
    return Organisation.objects.writable_by(user).grassroots().filter(dissolved_on__isnull=True)


def transfer_enterprises(targets: QuerySet[Organisation]) -> QuerySet[Enterprise]:
    """The employers a transferred member may have in the receiving union."""
    return (
        Enterprise.objects.filter(union__in=targets).select_related("union").order_by("union__code", "name")
    )


def person_history(person) -> QuerySet[Membership]:
    return person.memberships.select_related("union", "enterprise").order_by("started_on", "id")
