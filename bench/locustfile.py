"""What bench/load.py's users do: officers signed in through the sign-in page, searching members by
name, pinyin initials and mobile, paging through the member list, opening a member's page and the
dashboard. Four in five are the zone's federation staff (the widest scope), one in five a union's
admin. Every request that does not end on the page it asked for (an error, or a redirect to a
sign-in step) is a failure.

LOAD_SAMPLES names a JSON file of {"password", "totp_secret", "users": {username: [[person id, name,
initials, mobile], …]}, "accounts": {username: [its twins]}} (bench/load.py writes it); each sign-in
goes through both steps as the next twin of the user's officer. LOAD_CA the certificate the front
end's TLS is checked with. LOAD_SIGN_IN_EVERY, in seconds (bench/load.py's --sign-in-every), is how long
a user works before signing in again.
"""

import json
import os
import random
import re
import time
from base64 import b32decode
from itertools import cycle
from pathlib import Path

from django_otp.oath import TOTP
from locust import HttpUser, between, task

SAMPLES = json.loads(Path(os.environ["LOAD_SAMPLES"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_PAGE = re.compile(r'<a href="(\?[^"]*)">下一页</a>')
TWINS = {officer: cycle(names) for officer, names in SAMPLES["accounts"].items()}
TOTP_KEY = b32decode(SAMPLES["totp_secret"])
SIGN_IN_EVERY = float(os.environ["LOAD_SIGN_IN_EVERY"])


class Officer(HttpUser):
    abstract = True
    username = ""
    wait_time = between(1, 3)

    def on_start(self):
        self.client.verify = os.environ["LOAD_CA"]
        self.people = SAMPLES["users"][self.username]
        self.sign_in()

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif "/accounts/" in response.url:
                response.failure("sent to a sign-in step: the session is not fully signed in")
            return response

    def sign_in(self):
        self.signed_in_at = time.monotonic()
        self.client.cookies.clear()
        form = self.client.get("/accounts/login/", name="sign-in page")
        token = CSRF.search(form.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": next(TWINS[self.username]),
                "password": SAMPLES["password"],
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # The password taken, the site asks for the second factor on the next page.
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"sign-in refused (status {response.status_code})")
                return
        form = self.client.get("/accounts/second-factor/", name="second-factor page")
        token = CSRF.search(form.text)
        with self.client.post(
            "/accounts/second-factor/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "code": f"{TOTP(TOTP_KEY).token():06d}",
            },
            headers={"Referer": f"{self.host}/accounts/second-factor/"},
            name="sign-in, second factor",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/" in response.headers.get("Location", ""):
                response.failure(f"second factor refused (status {response.status_code})")

    @task(1)
    def sign_in_again(self):
        if time.monotonic() - self.signed_in_at >= SIGN_IN_EVERY:
            self.sign_in()

    @task(3)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(6)
    def member_list(self):
        response = self.page("/members/", "member list, first page")
        for _ in range(random.randint(0, 2)):
            link = NEXT_PAGE.search(response.text)
            if not link:
                break
            response = self.page(f"/members/{link.group(1).replace('&amp;', '&')}", "member list, next page")

    @task(2)
    def search_by_name(self):
        name = random.choice(self.people)[1]
        self.page(f"/members/?q={name[1:] or name}", "member search, part of a name")

    @task(2)
    def search_by_pinyin(self):
        self.page(f"/members/?q={random.choice(self.people)[2][:2]}", "member search, pinyin initials")

    @task(2)
    def search_by_mobile(self):
        self.page(f"/members/?q={random.choice(self.people)[3]}", "member search, mobile")

    @task(2)
    def member_page(self):
        self.page(f"/members/{random.choice(self.people)[0]}/", "member page")


class ZoneStaff(Officer):
    username = "zone-admin"
    weight = 4


class UnionAdmin(Officer):
    username = "union-admin"
    weight = 1
