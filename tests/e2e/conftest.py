import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import CHROMIUM

PASSWORD = "Test-password-2025"
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def totp_code(device) -> str:
    """The code an authenticator app shows now for the device."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def authenticator_of(user) -> TOTPDevice:
    """The user's second factor, as if they had enrolled before; any code of it may be used again
    (each sign-in of a test may fall in the same 30 seconds)."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test", "key": TEST_TOTP_KEY}
    )
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return device


@pytest.fixture
def sign_in(page, live_server):
    """Signs a test user in through the real sign-in pages, with the second factor for staff, on the
    test's page or another (a second browser context); returns that page."""

    def _sign_in(user, password=PASSWORD, page=page):
        device = authenticator_of(user) if user.needs_second_factor else None
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        if device is not None:
            page.wait_for_url(f"{live_server.url}/accounts/second-factor/**")
            page.fill("#id_code", totp_code(device))
            page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _sign_in
