"""The 404 and 500 pages: in Chinese (English on request), in the site's layout."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path
from django.utils import translation

from gonghui.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urlpatterns]


@pytest.mark.django_db
def test_a_missing_page_says_so_in_chinese_in_the_sites_layout(client):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in body and 'class="topbar"' in body
    assert "页面不存在" in body and "Not Found" not in body


@pytest.mark.django_db
def test_a_missing_page_keeps_the_menu_of_whoever_is_signed_in(client, admin_a):
    client.force_login(admin_a)
    body = client.get("/members/999999/").content.decode()
    assert "页面不存在" in body and "退出" in body


@pytest.mark.django_db
def test_a_missing_page_in_english(client):
    body = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body and "Page not found" in body and "页面不存在" not in body


def test_the_server_error_page_renders_without_a_request_a_user_or_the_database():
    body = render_to_string("500.html")  # no database in this test: a query would fail it
    assert '<html lang="zh-hans">' in body and 'class="topbar"' in body and "服务器出错" in body
    assert "退出" not in body and 'name="csrfmiddlewaretoken"' not in body


def test_the_server_error_page_in_english():
    with translation.override("en"):
        body = render_to_string("500.html")
    assert "Server error" in body and "服务器出错" not in body


def test_an_error_answers_the_server_error_page(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500 and "服务器出错" in response.content.decode()
