"""`gonghui demo` as a process: stopped with SIGTERM (as a service manager stops it), its background
worker stops too."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def test_sigterm_stops_the_server_and_its_worker(tmp_path):
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    }
    gonghui = [sys.executable, "-m", "gonghui"]
    subprocess.run([*gonghui, "migrate", "-v0"], env=env, check=True)
    subprocess.run(  # a sign-in exists, so the demo data is not loaded: only the serving is tried
        [
            *gonghui,
            "shell",
            "-c",
            "from gonghui.accounts.models import User; User.objects.create(username='x')",
        ],
        env=env,
        check=True,
    )
    port = _free_port()
    demo = subprocess.Popen(
        [*gonghui, "demo", "--addrport", f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        workers = [
            pid for pid in _children(demo.pid) if b"db_worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        assert workers, "the demo starts its worker"
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in workers), "the worker outlived the demo"
    finally:
        if demo.poll() is None:
            demo.kill()
