"""The production layout on loopback, for bench/load.py and the two-server test
(tests/deployment/test_two_servers.py): app servers (gunicorn with deploy/gunicorn.conf.py), the
task worker and nginx with deploy/nginx.conf in front, on TLS with a certificate made for the run.

deploy/nginx.conf is used as written; only what names this machine is replaced: the upstream's
servers, the listening ports, the certificate and where nginx keeps its pid, logs and buffers.
"""

import datetime
import getpass
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"
NGINX_CONF = REPO / "deploy" / "nginx.conf"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited {process.returncode}:\n{_tail(log)}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port} within {timeout:.0f} s:\n{_tail(log)}")


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (clients verify against it as their only CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "tls.crt", directory / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def nginx_conf(directory: Path, *, upstreams: list[int], http_port: int, https_port: int) -> Path:
    """deploy/nginx.conf with this run's ports, certificate and files."""
    cert, key = certificate(directory)
    text = NGINX_CONF.read_text()
    servers = "".join(f"        server {HOST}:{port};\n" for port in upstreams)
    replacements = [
        (r"(?m)^        server \S+:8000;.*\n(?:        server \S+:8000;.*\n)*", servers),
        (r"listen 80;", f"listen {HOST}:{http_port};"),
        (r"listen 443 ssl;", f"listen {HOST}:{https_port} ssl;"),
        (r"ssl_certificate \S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};"),
        (r"pid \S+;", f"pid {directory / 'nginx.pid'};"),
        (r"error_log [^;\s]+", f"error_log {directory / 'nginx-error.log'}"),
        (r"access_log [^;\s]+", f"access_log {directory / 'nginx-access.log'}"),
        (r"/var/lib/nginx/", f"{directory}/nginx-"),
        # Its workers run as whoever runs this, to write their buffers into the run's directory.
        (r"user www-data;", f"user {getpass.getuser()};"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        if not count:
            raise RuntimeError(f"deploy/nginx.conf has no {pattern!r} to replace")
    path = directory / "nginx.conf"
    path.write_text(text)
    return path


def production_env(directory: Path, database_url: str, https_port: int, static_root: Path | None) -> dict:
    """The environment of an app server or worker: GONGHUI_ENV=production behind one proxy."""
    origin = f"https://{HOST}:{https_port}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_ENV": "production",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "CSRF_TRUSTED_ORIGINS": origin,
        "BEHIND_PROXY": "1",
        "MEDIA_ROOT": str(directory / "media"),
        "STATIC_ROOT": str(static_root or directory / "static"),
        "DEBUG": "false",
    }


class Layout(ExitStack):
    """Starts `servers` app servers, optionally the task worker, and nginx in front; stops them on exit.

    Each app server has a var/ directory of its own (nothing there may be shared); MEDIA_ROOT is the
    one shared directory. `env` adds to the production environment (the keys, when the process's own
    are not those of the database); afterwards it is the servers' whole environment, for commands on
    the same database. Clients go to `origin`; each process's output is in `directory`.
    """

    def __init__(
        self,
        directory: Path,
        database_url: str,
        *,
        servers: int = 2,
        worker: bool = True,
        static_root: Path | None = None,
        env: dict | None = None,
        **gunicorn,
    ):
        super().__init__()
        self.directory, self.servers, self.worker = directory, servers, worker
        self.gunicorn = {f"GUNICORN_{k.upper()}": str(v) for k, v in gunicorn.items()}
        self.https_port = free_port()
        self.env = {**production_env(directory, database_url, self.https_port, static_root), **(env or {})}
        self.server_ports: list[int] = []
        self.access_logs: list[Path] = []
        self.certificate = directory / "tls.crt"

    @property
    def origin(self) -> str:
        return f"https://{HOST}:{self.https_port}"

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))

    def _start(self, name: str, args: list[str], env: dict, stop=signal.SIGTERM) -> subprocess.Popen:
        log = self.directory / f"{name}.log"
        out = self.enter_context(log.open("wb"))
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)  # noqa: S603
        self.callback(_stop, process, stop)
        return process

    def __enter__(self):
        super().__enter__()
        try:
            self._start_all()
        except BaseException:
            self.close()
            raise
        return self

    def _start_all(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        started = []
        for i in range(self.servers):
            port = free_port()
            var = self.directory / f"server-{i + 1}-var"
            var.mkdir()
            access = self.directory / f"server-{i + 1}-access.log"
            env = {
                **self.env,
                **self.gunicorn,
                "GONGHUI_VAR_DIR": str(var),
                "GUNICORN_BIND": f"{HOST}:{port}",
            }
            process = self._start(
                f"server-{i + 1}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(GUNICORN_CONF),
                    "--access-logfile",
                    str(access),
                    "--access-logformat",
                    "%(m)s %(U)s%(q)s %(s)s",
                    "gonghui.wsgi",
                ],
                env,
                stop=signal.SIGINT,  # at the end of a run nothing is left to finish
            )
            started.append((port, process, self.directory / f"server-{i + 1}.log"))
            self.server_ports.append(port)
            self.access_logs.append(access)
        if self.worker:
            var = self.directory / "worker-var"
            var.mkdir()
            self._start(
                "worker",
                [sys.executable, "-m", "gonghui", "db_worker", "--interval", "0.2"],
                {**self.env, "GONGHUI_VAR_DIR": str(var)},
            )
        conf = nginx_conf(
            self.directory, upstreams=self.server_ports, http_port=free_port(), https_port=self.https_port
        )
        process = self._start(
            "nginx", [nginx, "-c", str(conf), "-g", "daemon off;"], self.env, stop=signal.SIGINT
        )
        started.append((self.https_port, process, self.directory / "nginx.log"))
        for port, process, log in started:
            wait_for_port(port, process, log)

    def served(self, marker: str, total: int) -> list[int]:
        """How many of the `total` requests whose path or query holds marker each app server answered.
        A server logs a request after answering it: the last line may take a moment."""
        deadline = time.monotonic() + 10
        while True:
            counts = [
                sum(marker in line for line in path.read_text().splitlines()) if path.exists() else 0
                for path in self.access_logs
            ]
            if sum(counts) >= total or time.monotonic() > deadline:
                return counts
            time.sleep(0.05)


def _stop(process: subprocess.Popen, stop: int) -> None:
    if process.poll() is None:
        process.send_signal(stop)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
