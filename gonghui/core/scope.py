"""Who may see and change which rows.

Core knows the roles and the organisation tree (an organisation's materialised path, "/CITY/ZONE/U0001/"),
nothing else. From a user it builds a Scope once per request: a platform admin reaches everything; a
federation officer or academy staff member their federation's subtree; a union admin their union; a
worker their own person; a lawyer their own rows; anyone else nothing. The scope also carries the
role's capabilities, which each app declares (gonghui.core.registry.capabilities).

Each app's models say how their rows hang from the tree and from a person, and which roles reach them
how (a Visibility on the model, see `Visibility`); `Model.objects.visible_to(user)` and
`.writable_by(user)` apply it. Out of scope is one exception, NotInScope, which views, commands and the
API answer as 404 — never 403 — so that ids cannot be probed.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.http import Http404

from gonghui.core.roles import ORGANISATION_ROLES, Role


class NotInScope(Http404):
    """The actor may not see or change this (or it does not exist): answered as 404 everywhere."""


class SystemActor:
    """A command run on the server without --as: the server's operator, who holds the database anyway.

    Reaches everything, like a platform admin; the audit log records the operating-system user.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_platform_admin = True
    role = Role.PLATFORM_ADMIN
    organisation_id = None
    person_id = None
    pk = None

    def __init__(self, username: str):
        self.username = f"system:{username}"

    def get_username(self) -> str:
        return self.username

    def __str__(self):
        return self.username


class Reach(StrEnum):
    """How a role reaches a model's rows (see Visibility)."""

    TREE = "tree"  # rows hanging from the scope's subtree (a federation's, or a union's own)
    UNION = "union"  # rows of the scope's own union
    PERSON = "person"  # rows of the scope's own person


# The usual ladder: federation staff reach their subtree, a union admin their union, and both act
# for what they reach.
OFFICER_REACH = {Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: Reach.UNION}
OFFICERS = frozenset(OFFICER_REACH)


@dataclass(frozen=True)
class Scope:
    """What one user reaches: built by scope_of, once per request."""

    role: str | None
    everything: bool = False
    user_id: int | None = None
    organisation_id: int | None = None
    path: str = ""  # the organisation's materialised path
    person_id: int | None = None  # the user's own person record, whatever the role
    capabilities: frozenset[str] = field(default_factory=frozenset)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise NotInScope


NOBODY = Scope(role=None)


def scope_of(user) -> Scope:
    """The user's scope (a Scope passes through). Kept on the user object, so built once per request."""
    if isinstance(user, Scope):
        return user
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return NOBODY
    cached = user.__dict__.get("_gonghui_scope")
    if cached is None:
        cached = user.__dict__["_gonghui_scope"] = _build(user)
    return cached


def _build(user) -> Scope:
    from gonghui.core.registry import capabilities

    if user.is_platform_admin:
        role = Role.PLATFORM_ADMIN
        return Scope(role=role, everything=True, user_id=user.pk, capabilities=capabilities.held_by(role))
    role = user.role
    organisation = user.organisation if role in ORGANISATION_ROLES and user.organisation_id else None
    if role in ORGANISATION_ROLES and organisation is None:
        return NOBODY  # an officer without an organisation reaches nothing (the database refuses one)
    return Scope(
        role=role,
        user_id=user.pk,
        organisation_id=organisation.pk if organisation else None,
        path=organisation.path if organisation else "",
        person_id=user.person_id,
        capabilities=capabilities.held_by(role),
    )


Condition = Reach | Callable[[Scope], Q | None]


class Visibility:
    """How a model's rows hang from the tree and from a person, and who reaches them how.

    tree: lookups to an organisation's path (rows of several organisations, e.g. an enterprise's
    federation and union, are reached through any of them); union: the lookup to the union's id;
    person: the lookup to the person's id. read maps a role to its Reach, or to a function of the
    Scope returning a Q (e.g. a lawyer's own cases) or None (nothing); write names the roles that may
    change what they reach. Platform admins reach every row, read and write — explicitly, in
    `filter`, never through an empty condition. A role not named reaches nothing.
    """

    def __init__(
        self,
        *,
        read: Mapping[str, Condition],
        write: Iterable[str] = (),
        tree: str | tuple[str, ...] = (),
        union: str | None = None,
        person: str | None = None,
        describe: Mapping[str, str] | None = None,
    ):
        self.tree = (tree,) if isinstance(tree, str) else tuple(tree)
        self.union = union
        self.person = person
        self.read = dict(read)
        self.write = frozenset(write)
        self.describe_custom = dict(describe or {})
        for role, reach in self.read.items():
            needed = {Reach.TREE: self.tree, Reach.UNION: self.union, Reach.PERSON: self.person}
            if isinstance(reach, Reach) and not needed[reach]:
                raise ImproperlyConfigured(f"{role} reaches by {reach}, but no {reach} lookup is declared")
        if unknown := self.write - set(self.read):
            raise ImproperlyConfigured(f"roles that may write but not read: {sorted(unknown)}")

    def condition(self, scope: Scope) -> Q | None:
        """The rows the scope reaches, as a Q that is never empty; None for no row."""
        reach = self.read.get(scope.role)
        if reach is None:
            return None
        if reach == Reach.TREE:
            if not scope.path:
                return None
            q = Q()
            for lookup in self.tree:
                q |= Q(**{f"{lookup}__startswith": scope.path})
        elif reach == Reach.UNION:
            if scope.organisation_id is None:
                return None
            q = Q(**{self.union: scope.organisation_id})
        elif reach == Reach.PERSON:
            if scope.person_id is None:
                return None
            q = Q(**{self.person: scope.person_id})
        else:
            q = reach(scope)
            if q is None:
                return None
        if not q:
            raise ImproperlyConfigured("a scope condition is empty: it would reach every row")
        return q

    def filter(self, queryset: models.QuerySet, scope: Scope, *, write: bool) -> models.QuerySet:
        if scope.everything:
            return queryset.all()
        if write and scope.role not in self.write:
            return queryset.none()
        condition = self.condition(scope)
        return queryset.none() if condition is None else queryset.filter(condition)

    def summary(self, role: str) -> str:
        """One cell of `gonghui scopes`: how the role reaches the rows, and whether it may change them."""
        reach = self.read.get(role)
        if reach is None:
            return "—"
        if reach == Reach.TREE:
            text = "subtree: " + " or ".join(self.tree)
        elif reach == Reach.UNION:
            text = f"own union: {self.union}"
        elif reach == Reach.PERSON:
            text = f"own person: {self.person}"
        else:
            text = self.describe_custom.get(role, getattr(reach, "__doc__", None) or reach.__name__)
        return f"{text} (rw)" if role in self.write else text


class ScopedQuerySet(models.QuerySet):
    """The one way to reach rows for a user: visible_to for reading, writable_by for changing."""

    def visible_to(self, user) -> "ScopedQuerySet":
        return self.model.visibility.filter(self, scope_of(user), write=False)

    def writable_by(self, user) -> "ScopedQuerySet":
        return self.model.visibility.filter(self, scope_of(user), write=True)

    def require(self, obj_or_pk):
        """The row, fetched through this (scoped) queryset; NotInScope when it is not there."""
        pk = obj_or_pk.pk if isinstance(obj_or_pk, models.Model) else obj_or_pk
        return get_or_404(self, pk=pk)


def get_or_404(queryset: models.QuerySet, **lookup):
    """The one way a view reaches a single object: through a scoped queryset."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotInScope from None
