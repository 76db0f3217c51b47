"""gunicorn's configuration for a gonghui app server: `gunicorn -c deploy/gunicorn.conf.py gonghui.wsgi`.

Worker count: one process per core plus one, each with 4 threads — on the 2-core machine the project
is measured on, 3 processes × 4 threads. A page is Python work on the app server's CPU (templates,
the ORM) between short waits for PostgreSQL: one process uses at most one core (the GIL), its threads
fill that core while another thread waits for the database, and the extra process keeps a core
busy while all of another's threads wait (a slow query, a report). More processes than that only queue on the same cores and hold more database connections (processes ×
threads per app server, each kept for DB_CONN_MAX_AGE). GUNICORN_WORKERS and GUNICORN_THREADS
override both; measure a change with `python -m bench.load` (README, "Deployment").

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
