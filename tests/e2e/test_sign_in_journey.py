"""A member of staff's first sign-in: password, enrolment with the app's QR code and key, the ten
recovery codes; then a later sign-in where a used code is refused and a recovery code lets them in."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


def sign_in_with_password(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/**")


def test_staff_enrol_on_first_sign_in_then_sign_in_with_a_code_or_a_recovery_code(page, live_server, officer):
    sign_in_with_password(page, live_server, officer)
    expect(page.locator("h1")).to_have_text("绑定动态验证码")
    expect(page.locator("figure.qr svg")).to_be_visible()  # drawn by the app
    secret = page.locator("#totp-secret").inner_text()

    page.fill("#id_code", "12345")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("动态验证码应为6位数字。")

    code = code_for(secret)
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    codes = page.locator("ol.recovery-codes li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text()
    page.click("text=我已保存，继续")
    page.wait_for_url(f"{live_server.url}/")

    page.click("text=退出")
    sign_in_with_password(page, live_server, officer)
    expect(page.locator("h1")).to_have_text("动态验证码")
    page.fill("#id_code", code)  # the code just used: a replay
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("该动态验证码已经用过")
    page.fill("#id_code", recovery)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".who")).to_be_visible()
