"""What the authorization tests share: the answers a row gives, the personas' groups, and a row or a
service call as data. The matrix (test_matrix), the service checks (test_services) and each app's own
part (tests/authorization/apps/) use them."""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.authorization.world import (
    ANON,
    AUDIT,
    CITY,
    PERSONAS,
    PLATFORM,
    SECURITY,
    SIGNED_IN,
    U1,
    U2,
    ZONE,
    ZONE2,
)

OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
LOGIN = "→ sign in"  # a redirect to the site's sign-in page
ADMIN_LOGIN = "→ admin sign in"  # a redirect to the admin's sign-in page

OFFICERS = {U1, U2, ZONE, ZONE2, CITY, PLATFORM}
STAFF = {ZONE, ZONE2, CITY}  # federation staff
AUDITORS = {ZONE, ZONE2, CITY, PLATFORM}
# Who reads the audit log: federation staff (their subtree's) and the audit administrator (all of it),
# not the system administrator (三权分立).
AUDIT_READERS = {ZONE, ZONE2, CITY, AUDIT}
ADMINISTRATORS = {PLATFORM, SECURITY, AUDIT}
# Who reaches an object of U0001 (own) and of U2001 (foreign) as an officer.
OWN_OFFICERS = {U1, ZONE, CITY, PLATFORM}
FOREIGN_OFFICERS = {ZONE2, CITY, PLATFORM}
OWN_STAFF, FOREIGN_STAFF = {ZONE, CITY}, {ZONE2, CITY}


def answers(own=(), foreign=(), *, yes=OK, overrides=None) -> dict:
    """persona → (answer on the own object, on the foreign one): `yes` for those named, 404 for the
    other signed-in personas, the sign-in page for the anonymous."""
    table = {p: (yes if p in own else NOT_FOUND, yes if p in foreign else NOT_FOUND) for p in SIGNED_IN}
    table[ANON] = (LOGIN, LOGIN)
    return table | (overrides or {})


def everyone(code, *, anonymous=LOGIN) -> dict:
    return dict.fromkeys(SIGNED_IN, (code, code)) | {ANON: (anonymous, anonymous)}


def only(personas, *, yes=OK) -> dict:
    """For a URL without an object: the same answer on both sides."""
    return answers(personas, personas, yes=yes)


def admin_only(platform) -> dict:
    """Django's admin: the platform admin gets `platform`; everyone else the admin's sign-in page."""
    return dict.fromkeys(PERSONAS, (ADMIN_LOGIN, ADMIN_LOGIN)) | {PLATFORM: (platform, platform)}


@dataclass(frozen=True)
class Row:
    get: dict
    post: dict
    args: Callable | None = None  # (world, side) → the URL's arguments
    query: Callable | None = None  # (world, side) → the query string's parameters
    route: str = ""  # for a pattern without a name: its route, and the path to request
    path: Callable | None = None
    also_reads: dict = field(default_factory=dict)  # persona → markers this page may show them too


def obj(name, attr="pk"):
    return lambda w, side: [getattr(getattr(w.side(side), name), attr)]


def union_code(w, side):
    return [w.side(side).union.code]


@dataclass(frozen=True)
class Call:
    call: Callable  # (world, actor, **prepared) → the service's result
    allowed: str | None  # a persona in scope, for whom the same call succeeds
    prepare: Callable = lambda w: {}  # objects the call needs, made before it (and before counting)
