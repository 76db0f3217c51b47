"""gunicorn's configuration for a gonghui app server: `gunicorn -c deploy/gunicorn.conf.py gonghui.wsgi`.

Worker count: a page is Python work on the app server's CPU (templates, the ORM) between short waits
for PostgreSQL, so each worker process runs a few threads: one thread's wait for the database is
another's time on the CPU, and the GIL keeps one process from using more than one core. On the 2-core
machine the project is measured on, with PostgreSQL on the same two cores, 3 processes × 4 threads
(one process more than there are cores) served the load test best — `bench/load.py` measured 2, 3 and
4 processes (README, "Deployment"); more processes only queue on the same cores and hold more
database connections. On a machine of its own, start from one process per core plus one and measure
with `python -m bench.load`. GUNICORN_WORKERS and GUNICORN_THREADS override both.

Every app server is alike and keeps nothing of its own (sessions, sign-in failures, rate limits and the
task queue are in the database, uploads under the shared MEDIA_ROOT), so a load balancer may send any
request to any of them (README, "Deployment").
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Django is imported once, before the workers fork: they start ready and share its memory. No
# database connection is opened at import, so none is shared across the fork.
preload_app = True
# Behind the load balancer, which keeps connections to the app servers open between requests.
keepalive = 5
# A request longer than this is stuck (a roster import runs in the task worker, not in a request):
# the worker is restarted rather than held.
timeout = 30
graceful_timeout = 30
# Each worker is replaced after about this many requests, so no slow growth of memory lasts.
max_requests = 2000
max_requests_jitter = 200
# The load balancer logs every request with the client's address; here only errors.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# X-Forwarded-Proto is believed only from the load balancer's address (the app reads the client's
# address itself, settings.BEHIND_PROXY).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "gonghui"
