"""The demo's academy: 2024 as the feature states it, every figure with a previous year (loads the demo)."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from gonghui.academy.models import Certificate, CertificateSequence, Enrolment, TrainingClass
from gonghui.accounts.models import User
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.orgs.models import Organisation
from gonghui.reports.selectors import kpis_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("demo", "--no-serve", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def test_the_feature_s_2024_figures_with_the_years_around(demo):
    zone = Organisation.objects.get(code="ZONE")
    figures = kpis_for(zone, 2024)
    assert figures["training_sessions_offline"]["value"] == 24
    assert figures["training_courses_online"]["value"] > 0
    assert figures["training_hours"]["value"] >= 600
    assert figures["trainee_person_times"]["value"] >= 1000
    assert figures["trainee_enterprises"]["value"] >= 30
    for year in (2024, 2025):
        assert all(kpis_for(zone, year)[k]["previous"] for k in figures if k.startswith("train"))


def test_the_demo_state_is_what_the_services_write(demo):
    completed = Enrolment.objects.filter(status="completed")
    assert completed.count() == Certificate.objects.count() > 0
    assert not Enrolment.objects.filter(status="not_completed", decision_note="").exists()
    for sequence in CertificateSequence.objects.all():
        numbers = Certificate.objects.filter(number__startswith=f"GJXY-{sequence.year}-")
        assert numbers.count() == sequence.last
    assert Certificate.objects.values("token").distinct().count() == Certificate.objects.count()
    opening = TrainingClass.objects.order_by("-starts_on").first()
    assert opening.enrolments.filter(status="waiting").count() == 2
    assert opening.enrolments.filter(status="enrolled").count() == opening.capacity


def test_the_academy_sign_in(demo, rf):
    assert "academy-staff" in demo
    user = authenticate(rf.get("/"), username="academy-staff", password=DEMO_PASSWORD)
    assert user.role == "academy_staff" and user.organisation.code == "ZONE"
    worker = User.objects.get(username="worker").person
    assert Certificate.objects.filter(person=worker).count() >= 2
