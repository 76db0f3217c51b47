"""The API's skills and rights resources in the matrix: every list, detail and action × every
persona. The answers are the pages' (tests/authorization/apps/<app>.py) in the API's terms: 401 for
the anonymous, 405 for a method an endpoint does not take, 404 out of reach — another union's admin,
another zone's staff and another lawyer included — and 415 (or the service's 400) for the empty
form-encoded body a prober posts to an action that takes JSON."""

from gonghui.contests.models import Score
from tests.authorization.apps.academy import CERTIFICATE_OWN, CLASS_FOREIGN, CLASS_OWN, TRAINEES, _token
from tests.authorization.apps.academy import READERS as ACADEMY_READERS
from tests.authorization.apps.api import NO_GET, NO_POST, UNSUPPORTED, api
from tests.authorization.apps.contests import FOREIGN_READERS, OWN_READERS
from tests.authorization.apps.homes import OWN_AND_WORKER
from tests.authorization.apps.legal import FOREIGN, FOREIGN_FILE, LAWYERS_READ, OWN, OWN_FILE
from tests.authorization.apps.legal import READERS as LEGAL_READERS
from tests.authorization.apps.mutual_aid import (
    HANDLERS_FOREIGN,
    HANDLERS_OWN,
    PLAN_READERS_FOREIGN,
    PLAN_READERS_OWN,
    claim,
)
from tests.authorization.common import (
    FOREIGN_OFFICERS,
    FOREIGN_STAFF,
    NOT_ALLOWED,
    OFFICERS,
    OK,
    OWN_OFFICERS,
    OWN_STAFF,
    Row,
    answers,
    everyone,
    obj,
    only,
)
from tests.authorization.world import ACADEMY, PLATFORM, U1, U2, WORKER

BAD_REQUEST = 400


def _reads(own, foreign, **row) -> Row:
    return Row(get=api(answers(own, foreign)), post=NO_POST, **row)


def _list(readers, **row) -> Row:
    return Row(get=api(only(readers)), post=NO_POST, **row)


def _score(w, side):
    return [
        Score.objects.filter(registration=w.side(side).contest_registration).values_list("pk", flat=True)[0]
    ]


ROWS = {
    # mutual aid: officers read plans, group enrolments and claims; the medical details are the
    # claim's handlers' (its union's officers and the staff of the federation running its plan)
    "api:aid-plan-list": _list(OFFICERS),
    "api:aid-plan-detail": _reads(PLAN_READERS_OWN, PLAN_READERS_FOREIGN, args=obj("plan")),
    "api:aid-enrolment-list": _list(OFFICERS),
    "api:aid-enrolment-detail": _reads(OWN_OFFICERS, FOREIGN_OFFICERS, args=obj("batch")),
    "api:claim-list": _list(OFFICERS),
    "api:claim-detail": _reads(OWN_OFFICERS, FOREIGN_OFFICERS, args=obj("claim")),
    "api:claim-medical": _reads(HANDLERS_OWN, HANDLERS_FOREIGN, args=obj("claim")),
    "api:claim-pay": Row(
        args=claim("amount_set"),
        get=NO_GET,
        post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=UNSUPPORTED)),
    ),
    # the legal service: a lawyer reaches only the cases assigned to them; the file is not the
    # platform administrators' to read
    **{
        f"api:{kind}-list": _list(LEGAL_READERS, also_reads=LAWYERS_READ)
        for kind in ("consultation", "aid-case", "dispute")
    },
    **{
        f"api:{kind}-detail": _reads(OWN, FOREIGN, args=obj(name), also_reads=LAWYERS_READ)
        for kind, name in (("consultation", "consultation"), ("aid-case", "aid_case"), ("dispute", "dispute"))
    },
    **{
        f"api:{kind}-file": _reads(OWN_FILE, FOREIGN_FILE, args=obj(name), also_reads=LAWYERS_READ)
        for kind, name in (("consultation", "consultation"), ("aid-case", "aid_case"), ("dispute", "dispute"))
    },
    # events: officers list them; a worker reads the events and the registration that are theirs
    "api:event-list": _list(OFFICERS),
    "api:event-detail": _reads(OWN_AND_WORKER, FOREIGN_OFFICERS, args=obj("event")),
    "api:event-register": Row(
        args=obj("event"), get=NO_GET, post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=UNSUPPORTED))
    ),
    "api:event-check-in": Row(
        args=obj("event"), get=NO_GET, post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=UNSUPPORTED))
    ),
    "api:event-registration-list": _list(OFFICERS),
    "api:event-registration-detail": _reads(OWN_AND_WORKER, FOREIGN_OFFICERS, args=obj("registration")),
    # the academy: its staff read the trainees' names
    "api:course-list": _list(ACADEMY_READERS),
    "api:course-detail": _reads(CLASS_OWN, CLASS_FOREIGN, args=obj("course")),
    "api:class-list": _list(ACADEMY_READERS),
    "api:class-detail": _reads(CLASS_OWN, CLASS_FOREIGN, args=obj("class")),
    "api:class-enrol": Row(
        args=obj("class"),
        get=NO_GET,
        post=api(answers({U1, U2, ACADEMY, PLATFORM}, {PLATFORM}, yes=UNSUPPORTED)),
    ),
    "api:enrolment-list": _list(ACADEMY_READERS, also_reads=TRAINEES),
    "api:enrolment-detail": _reads(
        CERTIFICATE_OWN, CLASS_FOREIGN, args=obj("enrolment"), also_reads=TRAINEES
    ),
    # public: anyone, with a token or none, learns whether a certificate is valid (the holder masked)
    "api:certificate-verify": Row(
        args=_token, get=everyone(OK, anonymous=OK), post=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED)
    ),
    # contests: the lists answer everyone signed in with what they reach; only a judge scores
    "api:contest-list": Row(get=api(everyone(OK)), post=NO_POST),
    "api:contest-detail": _reads(OWN_READERS, FOREIGN_READERS, args=obj("contest_contest")),
    "api:contest-event-list": Row(get=api(everyone(OK)), post=NO_POST),
    "api:contest-event-detail": _reads(OWN_READERS, FOREIGN_READERS, args=obj("contest_event")),
    "api:contest-event-register": Row(
        args=obj("contest_event"),
        get=NO_GET,
        post=api(answers(OWN_READERS, FOREIGN_READERS, yes=UNSUPPORTED)),
    ),
    "api:contest-event-score": Row(
        args=obj("contest_event"), get=NO_GET, post=api(answers({ACADEMY}, (), yes=UNSUPPORTED))
    ),
    "api:contest-registration-list": Row(get=api(everyone(OK)), post=NO_POST),
    "api:contest-registration-detail": _reads(
        OWN_OFFICERS | {WORKER}, FOREIGN_OFFICERS, args=obj("contest_registration")
    ),
    "api:score-list": Row(get=api(everyone(OK)), post=NO_POST),
    "api:score-detail": _reads(OWN_STAFF | {PLATFORM}, FOREIGN_STAFF | {PLATFORM}, args=_score),
    # honours: the officers who nominate list the nominations they reach
    "api:nomination-list": _list(OFFICERS),
    "api:nomination-detail": _reads(OWN_OFFICERS, FOREIGN_OFFICERS, args=obj("nomination")),
    # roster imports: the officers of the unions managed; an upload without its fields is told so
    # before any union is looked up; the world's jobs are done (confirm says so)
    "api:import-job-list": Row(get=api(everyone(OK)), post=api(everyone(BAD_REQUEST))),
    "api:import-job-detail": _reads(OWN_OFFICERS, FOREIGN_OFFICERS, args=obj("job")),
    "api:import-job-confirm": Row(
        args=obj("job"), get=NO_GET, post=api(answers(OWN_OFFICERS, FOREIGN_OFFICERS, yes=BAD_REQUEST))
    ),
}
