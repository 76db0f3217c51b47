"""The course list as keyset pages: the next page by its cursor with ?craft= kept, an altered
cursor answered with the first page."""

import pytest
from django.urls import reverse

from gonghui.academy.models import Course
from gonghui.academy.tests.factories import make_course
from gonghui.core.tests.keyset_pages import clones, pages

pytestmark = pytest.mark.django_db


def test_the_course_list_pages_by_cursor_and_keeps_its_filter(client, zone, academy_staff):
    course = make_course(zone, by=academy_staff)
    clones(course, 60, title=lambda i: f"课程{i:02d}")
    client.force_login(academy_staff)
    first, second = pages(client, reverse("academy:course_list"), {"craft": course.craft})
    assert len(Course.objects.filter(pk__in=first + second, craft=course.craft)) == 61
