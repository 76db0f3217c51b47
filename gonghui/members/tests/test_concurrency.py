"""Many officers registering the same ID number at the same moment (PostgreSQL, real transactions):
one membership is created, every other request gets a clear message, none an error page."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gonghui.members.models import Membership, Person
from gonghui.members.services import member_join
from gonghui.members.tests.factories import new_id_number

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]


def test_thirteen_concurrent_joins_of_one_number(union_a, admin_a):
    number, start = new_id_number(), threading.Barrier(13)
    outcomes = []

    def join():
        try:
            start.wait()
            member_join(
                union=union_a,
                id_number=number,
                name="孙同",
                mobile="13600000013",
                started_on=date(2024, 6, 1),
                by=admin_a,
            )
            outcomes.append("joined")
        except ValidationError as error:
            outcomes.append(error.message_dict["id_number"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join) for _ in range(13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("joined") == 1
    assert len(outcomes) == 13, "every request answered"
    assert all("在册会员" in o or "同时登记" in o for o in outcomes if o != "joined")
    assert Person.objects.count() == 1 and Membership.objects.active().count() == 1
