"""Schemathesis over the whole schema, against a live server, with a federation officer's token:
no server error and no response outside the schema, whatever it sends."""

import subprocess
import sys
from pathlib import Path

import pytest

from gonghui.api.services import token_create
from gonghui.members.tests.factories import SETUP, make_member

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


@pytest.mark.django_db(transaction=True)
def test_the_whole_schema_holds_under_generated_requests(
    live_server, officer, union_a, enterprise_a, tmp_path
):
    for name in ("张三", "李四", "王五"):
        make_member(union_a, name=name, enterprise=enterprise_a)
    _row, token = token_create(user=officer, name="schemathesis", by=SETUP)
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            "20",
            "--seed",
            "2026",
            "--request-timeout",
            "30",
            "--suppress-health-check",
            "all",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
