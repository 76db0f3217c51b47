"""Settings, every value from the environment (see README "Configuration").

GONGHUI_ENV=demo (the default) keeps its secrets in var/ and serves plain http on the loopback;
GONGHUI_ENV=production refuses to start without strong secrets, with DEBUG on or with ALLOWED_HOSTS
unset or '*', and turns on HTTPS-only cookies and HSTS.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Personal data on disk (the SQLite file, uploads, exports, error reports, the secrets in var/) is
# for the app's own user: what this process creates is 0600, its directories 0700.
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR.parent / "var"))


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envproxies(name: str) -> int:
    """A number of proxies: 0 when unset or false, 1 for true (the setting was once on/off), or N."""
    value = os.environ.get(name, "").strip().lower()
    if value in {"", "false", "no", "off"}:
        return 0
    if value in {"true", "yes", "on"}:
        return 1
    if value.isascii() and value.isdigit():
        return int(value)
    raise ImproperlyConfigured(
        f"{name} must be the number of trusted proxies in front of the app (0, 1, 2, …), not {value!r}"
    )


ENVIRONMENT = os.environ.get("GONGHUI_ENV", "demo")
if ENVIRONMENT not in {"demo", "production"}:
    raise ImproperlyConfigured("GONGHUI_ENV must be 'demo' or 'production'")
PRODUCTION = ENVIRONMENT == "production"


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envsecret(name: str, *, min_length: int) -> str:
    """A secret from the environment, strong enough in production; in demo mode generated once into var/."""
    value = os.environ.get(name)
    if value:
        if PRODUCTION and len(value) < min_length:
            raise ImproperlyConfigured(
                f"{name} must be at least {min_length} characters in production (it has {len(value)}); "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        if PRODUCTION and len(set(value)) < 5:
            raise ImproperlyConfigured(f"{name} must have at least 5 different characters in production")
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production")
    path = VAR_DIR / name.lower()
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = envsecret("SECRET_KEY", min_length=50)
# Master key for personal data: ID numbers are encrypted and HMAC-indexed with keys derived from it.
FIELD_ENCRYPTION_KEY = envsecret("GONGHUI_FIELD_KEY", min_length=32)

# Keys and ciphers of field encryption (gonghui.core.crypto). GONGHUI_FIELD_KEY is key version 1
# (and the key of the lookup HMAC, which indexes ID numbers and so never rotates);
# GONGHUI_FIELD_KEYS adds later versions as "2:<secret>,3:<secret>". New values are encrypted with
# version GONGHUI_FIELD_KEY_VERSION (default: the highest) and GONGHUI_CIPHER: "aes" (AES-256-GCM,
# the default) or "sm4" (SM4-GCM with keys derived by HMAC-SM3, for the commercial-cryptography
# assessment). Every token names its cipher and key version, so older tokens (and the Fernet tokens
# of before) still read; `gonghui rotate-field-key` re-encrypts them with the current ones.
FIELD_ENCRYPTION_KEYS = {1: FIELD_ENCRYPTION_KEY}
for _entry in envlist("GONGHUI_FIELD_KEYS", ""):
    _version, _, _secret = _entry.partition(":")
    if not _version.isdigit() or int(_version) < 2 or len(_secret) < (32 if PRODUCTION else 1):
        raise ImproperlyConfigured(
            "GONGHUI_FIELD_KEYS must be comma-separated <version>:<secret> with versions from 2 up"
            + (" and secrets of at least 32 characters" if PRODUCTION else "")
        )
    FIELD_ENCRYPTION_KEYS[int(_version)] = _secret
FIELD_KEY_VERSION = envint("GONGHUI_FIELD_KEY_VERSION", max(FIELD_ENCRYPTION_KEYS))
if FIELD_KEY_VERSION not in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        f"GONGHUI_FIELD_KEY_VERSION {FIELD_KEY_VERSION} has no key in GONGHUI_FIELD_KEYS"
    )
FIELD_CIPHER = os.environ.get("GONGHUI_CIPHER", "aes").strip().lower()
if FIELD_CIPHER not in {"aes", "sm4"}:
    raise ImproperlyConfigured("GONGHUI_CIPHER must be 'aes' (AES-256-GCM) or 'sm4' (SM4-GCM)")

# Key of the audit log's HMAC chain (gonghui.core.audit), kept apart from the database: whoever
# holds the database but not this key cannot rewrite the log unnoticed. Rows are kept at least
# AUDIT_RETENTION_DAYS (180, 网络安全法 art. 21, is the floor) before `gonghui audit-prune` may go.
AUDIT_HMAC_KEY = envsecret("GONGHUI_AUDIT_KEY", min_length=32)
AUDIT_RETENTION_DAYS = max(180, envint("GONGHUI_AUDIT_RETENTION_DAYS", 180))
# Worker self-service (gonghui.selfservice): member cards are signed with an Ed25519 key derived from
# GONGHUI_CARD_KEY, or from SECRET_KEY (with a label of its own) when that is unset; only the public
# half reaches the door phones. Activation codes and card tokens expire.
CARD_SIGNING_KEY = (
    envsecret("GONGHUI_CARD_KEY", min_length=32) if os.environ.get("GONGHUI_CARD_KEY") else SECRET_KEY
)
ACTIVATION_CODE_DAYS = envint("GONGHUI_ACTIVATION_CODE_DAYS", 7)
CARD_TOKEN_HOURS = envint("GONGHUI_CARD_TOKEN_HOURS", 24)
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG must be off in production: its error pages show settings and personal data"
    )
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in production: the site's host names, comma-separated"
    )
if PRODUCTION and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the site's hosts in production, not '*': any Host header would be believed"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.activities",
    "gonghui.reports",
    "pygaljs",  # its static folder: the charts' tooltip script, served by the app
    "gonghui.coverage",
    "gonghui.rosters",
    "gonghui.api",
    "gonghui.homes",
    "gonghui.contests",
    "gonghui.academy",
    "gonghui.legal",
    "gonghui.mutual_aid",
    "gonghui.honours",
    "gonghui.ops",  # backup, restore, check-production
    "gonghui.selfservice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gonghui.core.middleware.NoStoreMiddleware",
    "gonghui.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.accounts.middleware.SessionTimeoutMiddleware",
    "gonghui.accounts.middleware.SignInStepsMiddleware",
    "gonghui.core.middleware.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite as the web app and the task worker share it: WAL (readers never wait for the writer), write
# transactions that take the lock when they begin (no "database is locked" upgrade failures), a
# patient lock timeout; what is deleted or overwritten is zeroed (no old personal data in free pages).
# Also for a sqlite:/// DATABASE_URL, so every SQLite deployment runs the same.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
}
DATABASE_URL = os.environ.get("DATABASE_URL")
if DATABASE_URL:
    # CONN_HEALTH_CHECKS: a connection kept between requests is tried before it is reused, so after a
    # database restart the next request connects afresh instead of failing (no app restart needed).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    else:
        # While the database is down a request gives up connecting in seconds (a 503), not at the
        # worker's timeout.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "gonghui.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }


# Two PostgreSQL roles (see README "Audit log"): DATABASE_URL connects as the application's role,
# which may only INSERT and SELECT the audit log; DATABASE_OWNER_URL as the role that owns the
# schema, used by `gonghui migrate --database owner` (which then grants the application's role its
# rights) and by `gonghui audit-prune`. Unset, one role does both (SQLite, development).
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL")
if DATABASE_OWNER_URL:
    DATABASES["owner"] = dj_database_url.parse(DATABASE_OWNER_URL)


def close_sqlite_files(name) -> None:
    """A database file created before the umask above may be open to others: the app's alone again."""
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        if path.is_file():
            path.chmod(0o600)


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    close_sqlite_files(DATABASES["default"]["NAME"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["gonghui.accounts.backends.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gonghui.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "gonghui.accounts.passwords.PasswordHistoryValidator"},
]
# Sign-in lockout (等保 level 3, gonghui.accounts.lockout): LOCKOUT_FAILURES failures for one account
# from one address within LOCKOUT_WINDOW lock that pair for LOCKOUT_COOLOFF. THROTTLE_ACCOUNT_FAILURES
# failures for one account from any address, or THROTTLE_ADDRESS_FAILURES from one address for any
# account, within THROTTLE_WINDOW slow each further attempt: it waits THROTTLE_DELAY after the latest
# failure, doubled for each failure beyond the limit, THROTTLE_MAX_DELAY at the most.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_COOLOFF = timedelta(minutes=30)
THROTTLE_ACCOUNT_FAILURES = 10
THROTTLE_ADDRESS_FAILURES = 30
THROTTLE_WINDOW = timedelta(hours=1)
THROTTLE_DELAY = timedelta(seconds=30)
THROTTLE_MAX_DELAY = timedelta(minutes=15)
# Second factor and passwords over time (等保 level 3, gonghui.accounts.second_factor, .passwords):
# staff sign in with a TOTP code (django-otp's device; its own throttling is off, as wrong codes count
# toward the lockout above); an action releasing more than BULK_ID_NUMBERS full ID numbers needs a
# second factor verified within STEP_UP_WINDOW and may be done BULK_ID_RELEASES_PER_DAY times a day per
# user; the last PASSWORD_HISTORY passwords cannot be chosen again; a password older than
# GONGHUI_PASSWORD_MAX_AGE_DAYS (0: no limit) must be changed at the next sign-in.
OTP_TOTP_ISSUER = "gonghui"
OTP_TOTP_THROTTLE_FACTOR = 0
STEP_UP_WINDOW = timedelta(minutes=envint("GONGHUI_STEP_UP_MINUTES", 5))
BULK_ID_NUMBERS = envint("GONGHUI_BULK_ID_NUMBERS", 100)
BULK_ID_RELEASES_PER_DAY = envint("GONGHUI_BULK_ID_RELEASES_PER_DAY", 5)
PASSWORD_HISTORY = 5
PASSWORD_MAX_AGE = timedelta(days=envint("GONGHUI_PASSWORD_MAX_AGE_DAYS", 0)) or None
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# The header may ask for preloading; only submitting the domain to the browsers' list preloads it.
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and envbool("SECURE_SSL_REDIRECT", True)
# How many proxies (load balancers) in front of the app each append the address they were reached
# from to X-Forwarded-For; the outermost one must also set X-Forwarded-Proto. The client's address is
# what the outermost appended (gonghui.core.audit.client_ip). 0: the app faces its clients directly.
TRUSTED_PROXIES = envproxies("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["gonghui.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    # A full disk is a clear message, with nothing half saved (gonghui.ops.storage).
    "default": {"BACKEND": "gonghui.ops.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A roster job silent this long (no progress) lost its worker and is shown as failed.
ROSTER_JOB_STALE_MINUTES = envint("ROSTER_JOB_STALE_MINUTES", 15)
# Uploaded rosters and error reports (personal data) are deleted after this many days by
# `gonghui purge-roster-files`, to be run daily.
ROSTER_FILES_KEEP_DAYS = envint("ROSTER_FILES_KEEP_DAYS", 30)

# Backups (`gonghui backup` / `gonghui restore`, gonghui.ops.backup) are encrypted with a key kept
# apart from the database and from the backups themselves. Production takes it from the environment
# (a backup refuses to run without it, `gonghui check-production` warns); demo mode generates it into var/.
BACKUP_KEY = (
    envsecret("GONGHUI_BACKUP_KEY", min_length=32)
    if os.environ.get("GONGHUI_BACKUP_KEY") or not PRODUCTION
    else ""
)
# More than one app server (README, "Deployment"): an app server keeps nothing of its own, so any of
# them may answer any request. Sessions are in the database (Django's default engine), sign-in
# failures and the API's rate windows in their tables, the task queue in django-tasks-db's, uploads
# under the shared MEDIA_ROOT; Django's cache (the refusal counts of RefusalAuditMiddleware) is a
# table too, which `gonghui migrate` creates (gonghui.core.apps).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gonghui_cache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_unavailable": {"()": "gonghui.ops.logs.DatabaseUnavailable"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["database_unavailable"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The REST API (gonghui.api): bearer tokens for systems, the session (with CSRF) for the pages' own
# calls; JSON in and out; errors as RFC 9457 problem details; cursor pagination on every list.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gonghui.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "gonghui.api.pagination.Cursor",
    "DEFAULT_THROTTLE_CLASSES": ["gonghui.api.throttling.PerToken"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gonghui.api.errors.problem_details",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gonghui API",
    "DESCRIPTION": "园区总工会工作平台接口：组织、企业、会员、统计指标。",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gonghui.api.schema.add_problem_responses",
    ],
}
API_TOKEN_RATE = envint("GONGHUI_API_TOKEN_RATE", 600)  # requests a minute per token
# The skills and rights apps in the API: each "status" choice set its own name in the schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "AidPlanStatusEnum": "gonghui.mutual_aid.models.Plan.Status",
    "ClaimStatusEnum": "gonghui.mutual_aid.models.Status",
    "ContestEventStatusEnum": "gonghui.contests.models.Event.Status",
    "NominationStatusEnum": "gonghui.honours.models.Status",
    "AcademyEnrolmentStatusEnum": "gonghui.academy.models.Enrolment.Status",
    "EventRegistrationStatusEnum": "gonghui.homes.models.EventRegistration.Status",
    "ImportJobStatusEnum": "gonghui.rosters.models.ImportJob.Status",
}
