"""A request that finds the database gone is logged in one line, not with its traceback."""

import logging

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from gonghui.urls import handler500 as site_handler500
from gonghui.urls import urlpatterns as site_urlpatterns


def database_gone(request):
    raise OperationalError('connection failed: connection to server at "127.0.0.1" failed: 100% gone\nmore')


def bug(request):
    raise RuntimeError("a bug")


urlpatterns = [path("gone/", database_gone), path("bug/", bug), *site_urlpatterns]
handler500 = site_handler500


@pytest.fixture
def site(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def test_a_database_outage_is_logged_in_one_line(site, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert site.get("/gone/").status_code == 503
    (record,) = caplog.records
    assert record.exc_info is None
    assert record.getMessage() == (
        'Service Unavailable: /gone/ (database unavailable: connection failed: connection to server at "127.0.0.1" '
        "failed: 100% gone)"
    )


def test_another_error_keeps_its_traceback(site, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert site.get("/bug/").status_code == 500
    (record,) = caplog.records
    assert isinstance(record.exc_info[1], RuntimeError)
