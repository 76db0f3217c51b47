"""The annual report's downloads, the rows behind its figures and its charts: a federation's are
read by its staff, the city's and the platform admins; a union admin reads their own union's only
(the matrix asks for a federation's, which they do not reach)."""

from tests.authorization.common import Row, answers
from tests.authorization.world import CITY, PLATFORM, ZONE, ZONE2

READERS = answers({ZONE, CITY, PLATFORM}, {ZONE2, CITY, PLATFORM})


def _federation(**extra):
    return lambda w, side: {"org": w.side(side).federation.code, "year": 2024, **extra}


ROWS = {
    "reports:download": Row(query=_federation(format="json"), get=READERS, post=READERS),
    "reports:rows": Row(
        args=lambda w, side: ["members_total"], query=_federation(), get=READERS, post=READERS
    ),
    "reports:rows_download": Row(
        args=lambda w, side: ["members_total"], query=_federation(), get=READERS, post=READERS
    ),
    "reports:chart": Row(
        args=lambda w, side: ["members.by_year"], query=_federation(), get=READERS, post=READERS
    ),
}
