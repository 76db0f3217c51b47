"""The authorization matrix, from the outside in: every URL pattern of the site (Django's admin
included) × every persona × GET and POST × an object of their own and a foreign one.

A URL pattern without a row fails `test_every_url_pattern_has_a_row`, so no page ships without its
authorization row. A row gives, for each persona, the answer to GET and to POST (with an empty body:
what a prober sends) on the own object and on the foreign one; out of scope is always 404, never 403.
Every HTML page and API answer a persona may open is also read for the marked names of people it may not see.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authorization import apps
from tests.authorization.common import (
    ADMIN_LOGIN,
    AUDIT_READERS,
    AUDITORS,
    FORBIDDEN,
    FOREIGN_OFFICERS,
    FOREIGN_STAFF,
    FOUND,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OFFICERS,
    OK,
    OWN_OFFICERS,
    OWN_STAFF,
    STAFF,
    Row,
    admin_only,
    answers,
    everyone,
    obj,
    only,
    union_code,
)
from tests.authorization.world import (
    ANON,
    AUDIT,
    CITY,
    MARKERS,
    MAY_READ,
    PERSONAS,
    PLATFORM,
    U1,
    WORKER,
    ZONE,
    ZONE2,
    build_world,
)

ROWS: dict[str, Row] = {
    "core:home": Row(get=everyone(OK), post=everyone(OK)),
    # the audit administrator reads the whole log, people's names in it included
    "core:audit_log": Row(get=only(AUDIT_READERS), post=only(AUDIT_READERS), also_reads={AUDIT: MARKERS}),
    "core:audit_export": Row(get=only({AUDIT}), post=only({AUDIT})),
    # the working-day calendar is shared: federation staff (and platform admins) correct it
    "core:calendar": Row(get=only(AUDITORS), post=only(AUDITORS)),
    "core:calendar_remove": Row(
        args=lambda w, side: [w.calendar_day.pk], get=everyone(NOT_ALLOWED), post=only(AUDITORS, yes=FOUND)
    ),
    "core:calendar_year": Row(
        args=lambda w, side: [2027], get=everyone(NOT_ALLOWED), post=only(AUDITORS, yes=FOUND)
    ),
    "accounts:login": Row(get=everyone(FOUND, anonymous=OK), post=everyone(FOUND, anonymous=OK)),
    "accounts:logout": Row(
        get=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), post=everyone(FOUND, anonymous=FOUND)
    ),
    "set_language": Row(get=everyone(FOUND, anonymous=FOUND), post=everyone(FOUND, anonymous=FOUND)),
    # organisations and enterprises
    "orgs:tree": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "orgs:enterprise_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "orgs:enterprise_detail": Row(
        args=obj("enterprise"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "orgs:organisation_detail": Row(
        args=union_code,
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "orgs:officer_appoint": Row(
        args=union_code,
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "orgs:officer_stand_down": Row(
        args=obj("officer"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    # members
    "members:list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "members:join": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "members:me": Row(get=only({WORKER}), post=only({WORKER})),
    "members:detail": Row(
        args=obj("person"),
        get=answers(OWN_OFFICERS | {WORKER}, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS | {WORKER}, FOREIGN_OFFICERS),
    ),
    "members:reveal_id": Row(
        args=obj("person"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    # the receiving unions' employers are offered to choose from (names of enterprises, no one's data)
    "members:transfer": Row(
        also_reads={U1: "丑"},
        args=obj("member"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "members:leave": Row(
        args=obj("member"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    # activities and welfare
    "activities:activity_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "activities:activity_create": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "activities:activity_detail": Row(
        args=obj("activity"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "activities:activity_register": Row(
        args=obj("activity"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "activities:activity_attendance": Row(
        args=obj("activity"),
        get=everyone(NOT_ALLOWED),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=FOUND),
    ),
    "activities:activity_cancel": Row(
        args=obj("activity"),
        get=everyone(NOT_ALLOWED),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=FOUND),
    ),
    "activities:welfare_list": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "activities:welfare_create": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "activities:welfare_detail": Row(
        args=obj("distribution"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "activities:welfare_add_recipient": Row(
        args=obj("distribution"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS)
    ),
    "activities:welfare_add_all_members": Row(
        args=obj("distribution"),
        get=everyone(NOT_ALLOWED),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=FOUND),
    ),
    "activities:welfare_remove_recipient": Row(
        args=lambda w, side: [w.side(side).distribution.pk, w.side(side).recipient.pk],
        get=everyone(NOT_ALLOWED),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=FOUND),
    ),
    # The officer who recorded a distribution may not sign it off (the form says so); a second may.
    "activities:welfare_sign_off": Row(
        args=obj("distribution"),
        get=everyone(NOT_ALLOWED),
        post=answers(
            OWN_OFFICERS, FOREIGN_OFFICERS, yes=FOUND, overrides={U1: (OK, NOT_FOUND), ZONE2: (NOT_FOUND, OK)}
        ),
    ),
    "reports:kpis": Row(
        query=lambda w, side: {"org": w.side(side).federation.code, "year": 2024},
        get=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
        post=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
    ),
    # union coverage: campaigns and foundings are the federations' (platform admins may look)
    "coverage:campaign_list": Row(get=only(AUDITORS), post=only(AUDITORS)),
    "coverage:campaign_create": Row(get=only(STAFF), post=only(STAFF)),
    "coverage:campaign_detail": Row(
        args=obj("campaign"),
        get=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
        post=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
    ),
    "coverage:campaign_export": Row(
        args=obj("campaign"),
        get=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
        post=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
    ),
    "coverage:campaign_refresh": Row(
        args=obj("campaign"), get=everyone(NOT_ALLOWED), post=answers(OWN_STAFF, FOREIGN_STAFF, yes=FOUND)
    ),
    "coverage:target_assign": Row(
        args=obj("target"),
        get=answers(OWN_STAFF, FOREIGN_STAFF),
        post=answers(OWN_STAFF, FOREIGN_STAFF),  # an empty body is an unbound form
    ),
    "coverage:founding_start": Row(
        args=obj("target_enterprise"),
        get=answers(OWN_STAFF, FOREIGN_STAFF),
        post=answers(OWN_STAFF, FOREIGN_STAFF),
    ),
    "coverage:visit_add": Row(
        args=obj("target_enterprise"),
        get=answers(OWN_STAFF, FOREIGN_STAFF),
        post=answers(OWN_STAFF, FOREIGN_STAFF),
    ),
    "coverage:founding_detail": Row(
        args=obj("founding"),
        get=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
        post=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
    ),
    "coverage:founding_step": Row(
        args=obj("founding"), get=answers(OWN_STAFF, FOREIGN_STAFF), post=answers(OWN_STAFF, FOREIGN_STAFF)
    ),
    "coverage:founding_drop": Row(
        args=obj("founding"), get=answers(OWN_STAFF, FOREIGN_STAFF), post=answers(OWN_STAFF, FOREIGN_STAFF)
    ),
    "coverage:recruit_add": Row(
        args=obj("founding"), get=answers(OWN_STAFF, FOREIGN_STAFF), post=answers(OWN_STAFF, FOREIGN_STAFF)
    ),
    "coverage:document": Row(
        args=obj("document"),
        get=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
        post=answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM}),
    ),
    # rosters
    "rosters:import": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "rosters:template": Row(get=only(OFFICERS), post=only(OFFICERS)),
    "rosters:export": Row(
        query=lambda w, side: {"org": w.side(side).union.code},
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "rosters:job": Row(
        args=obj("job"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    "rosters:confirm": Row(
        args=obj("job"), get=everyone(NOT_ALLOWED), post=answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=FOUND)
    ),
    "rosters:report": Row(
        args=obj("job"),
        get=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
        post=answers(OWN_OFFICERS, FOREIGN_OFFICERS),
    ),
    # Django's admin: platform admins only
    "admin:index": Row(get=admin_only(OK), post=admin_only(OK)),
    "admin:login": Row(
        get=everyone(OK, anonymous=OK) | {PLATFORM: (FOUND, FOUND)},
        post=everyone(OK, anonymous=OK),
    ),
    # the admin sends whoever may not use it back to its index; the platform admin signs out (POST)
    "admin:logout": Row(
        get=everyone(FOUND, anonymous=FOUND) | {PLATFORM: (NOT_ALLOWED, NOT_ALLOWED)},
        post=everyone(FOUND, anonymous=FOUND),
    ),
    "admin:password_change": Row(get=admin_only(OK), post=admin_only(OK)),
    "admin:password_change_done": Row(get=admin_only(OK), post=admin_only(NOT_ALLOWED)),
    "admin:autocomplete": Row(get=admin_only(FORBIDDEN), post=admin_only(NOT_ALLOWED)),
    "admin:jsi18n": Row(get=admin_only(OK), post=admin_only(NOT_ALLOWED)),
    "admin:view_on_site": Row(
        args=lambda w, side: [1, w.users[WORKER].pk], get=admin_only(NOT_FOUND), post=admin_only(NOT_FOUND)
    ),
    "admin:app_list": Row(args=lambda w, side: ["orgs"], get=admin_only(OK), post=admin_only(OK)),
    "admin:auth_user_password_change": Row(
        args=lambda w, side: [w.users[WORKER].pk], get=admin_only(OK), post=admin_only(OK)
    ),
    "admin/(?P<url>.*)$": Row(
        route="admin/(?P<url>.*)$",
        path=lambda w, side: "/admin/nothing-here/",
        get=admin_only(NOT_FOUND),
        post=admin_only(NOT_FOUND),
    ),
}


def _admin_rows(model: str, objects: Callable, **pages) -> dict[str, Row]:
    """The five pages of one model's admin (each page: the platform admin's (GET, POST) answers, by
    default (200, 200)) and the bare object URL, which redirects to the change page."""
    app_model = model.replace(".", "_")
    route = "admin/" + model.replace(".", "/") + "/<path:object_id>/"
    answer = {
        page: pages.get(page, (OK, OK)) for page in ("changelist", "add", "change", "delete", "history")
    }
    rows = {
        f"admin:{app_model}_{page}": Row(
            args=None if page in ("changelist", "add") else objects,
            get=admin_only(get),
            post=admin_only(post),
        )
        for page, (get, post) in answer.items()
    }
    rows[route] = Row(
        route=route,
        path=lambda w, side: f"/{route.replace('<path:object_id>', str(objects(w, side)[0]))}",
        get=admin_only(FOUND),
        post=admin_only(FOUND),
    )
    return rows


NONE = "00000000-0000-0000-0000-000000000000"  # no such task: the admin says so and goes back
ROWS |= _admin_rows("auth.group", lambda w, side: [w.group.pk])
ROWS |= _admin_rows(
    "django_tasks_database.dbtaskresult",
    lambda w, side: [NONE],
    add=(FORBIDDEN, FORBIDDEN),
    change=(FOUND, FORBIDDEN),
    delete=(FORBIDDEN, FORBIDDEN),
    history=(FOUND, FOUND),
)
ROWS |= _admin_rows("accounts.user", lambda w, side: [w.users[WORKER].pk])
ROWS |= _admin_rows(  # organisations are created and dissolved through the services
    "orgs.organisation",
    lambda w, side: [w.side(side).union.pk],
    add=(FORBIDDEN, FORBIDDEN),
    delete=(FORBIDDEN, FORBIDDEN),
)
ROWS |= _admin_rows(
    "orgs.enterprise", lambda w, side: [w.side(side).enterprise.pk], delete=(FORBIDDEN, FORBIDDEN)
)


ROWS |= apps.gather("ROWS")


def url_patterns(patterns=None, prefix="", namespace=""):
    """(key, route) of every URL pattern: its namespaced name, or its route when it has none."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


def test_every_url_pattern_has_a_row():
    keys = {key for key, _route in url_patterns()}
    assert sorted(keys - set(ROWS)) == [], "URL patterns without an authorization row"
    assert sorted(set(ROWS) - keys) == [], "rows for URL patterns that no longer exist"


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse(settings.LOGIN_URL) + "?next="):
            return LOGIN
        if location.startswith(reverse("admin:login") + "?next="):
            return ADMIN_LOGIN
    return response.status_code


@override_settings(
    STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
)
class AuthorizationMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def sign_in(self, persona: str) -> None:
        if persona == ANON:
            self.client.logout()
        else:
            self.client.force_login(self.world.users[persona])

    def check(self, key: str, row: Row):
        world = self.world
        failures = []
        for persona in PERSONAS:
            for position, side in enumerate(("own", "foreign")):
                if row.path is not None:
                    url = row.path(world, side)
                else:
                    url = reverse(key, args=row.args(world, side) if row.args else None)
                query = row.query(world, side) if row.query else {}
                for method, expected in (("get", row.get), ("post", row.post)):
                    self.sign_in(persona)  # afresh: a request may have signed the persona out
                    with transaction.atomic():
                        if method == "get":
                            response = self.client.get(url, query)
                        else:
                            response = self.client.post(
                                f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url
                            )
                        transaction.set_rollback(True)
                    got, want = outcome(response), expected[persona][position]
                    if got != want:
                        failures.append(f"{persona} {method.upper()} {side} {url}: {got}, expected {want}")
                    elif got == OK and response.get("Content-Type", "").startswith(
                        ("text/html", "application/json")
                    ):
                        body = response.content.decode()
                        may_read = MAY_READ[persona] + row.also_reads.get(persona, "")
                        leaked = [m for m in MARKERS if m not in may_read and m in body]
                        if leaked:
                            failures.append(f"{persona} {method.upper()} {side} {url}: shows {leaked}")
        assert not failures, "\n".join(failures)


def _test(key: str, row: Row):
    def test(self):
        self.check(key, row)

    test.__name__ = "test_" + "".join(c if c.isalnum() else "_" for c in key)
    return test


for _key, _row in ROWS.items():
    setattr(AuthorizationMatrix, _test(_key, _row).__name__, _test(_key, _row))
