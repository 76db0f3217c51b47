"""Deployment checks of our own (`gonghui check-production`, also `gonghui check --deploy`).

Django's deploy checks cover DEBUG, ALLOWED_HOSTS, the Secure and HttpOnly cookie flags, HSTS, the
https redirect and SECRET_KEY's length; these add what a 等保 level 3 deployment of this app needs:
every secret strong and none reused, the environment, the trusted proxies, SameSite cookies, a
year of HSTS, files readable by the app's user alone, the field cipher, the backup key, and a
database role that cannot rewrite the audit log.
"""

import os
import re
import stat
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection

from gonghui.core.models import AuditLog

SECRET_SETTING = re.compile(r"^[A-Z][A-Z0-9_]*_KEYS?$")
MIN_LENGTH = {"SECRET_KEY": 50}
# Key version 1 of field encryption is GONGHUI_FIELD_KEY itself (gonghui.settings), not a reuse.
ALIASES = {"FIELD_ENCRYPTION_KEYS[1]"}
DEFAULT_MIN_LENGTH = 32
MIN_DISTINCT = 10
WEAK_WORDS = (
    "insecure",
    "not-for-production",
    "changeme",
    "change-me",
    "example",
    "password",
    "secret",
    "test",
    "demo",
)
HSTS_MIN_SECONDS = 31536000
CIPHERS = {"aes", "sm4"}
PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _warning(message: str, hint: str, code: int) -> checks.Warning:
    return checks.Warning(message, hint=hint, id=f"gonghui.P{code:03d}")


def _secrets() -> list[tuple[str, str]]:
    """(name, value) of every secret in the settings: each *_KEY / *_KEYS setting holding text."""
    found = []
    for name in sorted(set(dir(settings))):
        if not SECRET_SETTING.match(name):
            continue
        value = getattr(settings, name)
        if isinstance(value, str):
            found.append((name, value))
        elif isinstance(value, dict):
            found += [(f"{name}[{key}]", item) for key, item in value.items() if isinstance(item, str)]
        elif isinstance(value, list | tuple):
            found += [(f"{name}[{index}]", item) for index, item in enumerate(value) if isinstance(item, str)]
    return found


@checks.register(checks.Tags.security, deploy=True)
def secrets_strength(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    seen: dict[str, str] = {}
    for name, value in _secrets():
        base = name.split("[")[0]
        minimum = MIN_LENGTH.get(base, DEFAULT_MIN_LENGTH)
        if not value:
            messages.append(_warning(f"{name} 没有设置", "在环境变量中设置一个随机生成的密钥", 1))
            continue
        if len(value) < minimum:
            messages.append(_warning(f"{name} 太短（{len(value)} 个字符，至少 {minimum} 个）", _GENERATE, 2))
        if len(set(value)) < MIN_DISTINCT:
            messages.append(_warning(f"{name} 只有 {len(set(value))} 种字符，不像随机生成的", _GENERATE, 3))
        weak = [word for word in WEAK_WORDS if word in value.lower()]
        if weak:
            messages.append(_warning(f"{name} 含有「{weak[0]}」，是示例或测试用的密钥", _GENERATE, 4))
        if name in ALIASES:
            continue
        if value in seen and seen[value].split("[")[0] != base:
            messages.append(_warning(f"{name} 与 {seen[value]} 是同一个值", "每个密钥各自随机生成", 5))
        else:
            seen.setdefault(value, name)
    return messages


_GENERATE = "生成一个：python -c 'import secrets; print(secrets.token_urlsafe(50))'"


@checks.register(checks.Tags.security, deploy=True)
def environment(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    if getattr(settings, "ENVIRONMENT", "production") != "production":
        messages.append(
            _warning(
                f"GONGHUI_ENV 是 {settings.ENVIRONMENT!r}，不是 'production'",
                "生产环境设置 GONGHUI_ENV=production：密钥取自环境，Cookie 仅走 HTTPS，启用 HSTS",
                10,
            )
        )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def proxies(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    header = settings.SECURE_PROXY_SSL_HEADER
    if trusted and tuple(header or ()) != PROXY_SSL_HEADER:
        messages.append(
            _warning(
                f"BEHIND_PROXY={trusted}，但 SECURE_PROXY_SSL_HEADER 不是 X-Forwarded-Proto",
                "最外层代理设置 X-Forwarded-Proto，应用据此判断请求是否为 HTTPS",
                20,
            )
        )
    if not trusted and header:
        messages.append(
            _warning(
                "没有可信代理（BEHIND_PROXY=0），却设置了 SECURE_PROXY_SSL_HEADER：任何客户端都能冒充 HTTPS",
                "应用直接面对客户端时不设 SECURE_PROXY_SSL_HEADER；在代理之后时设置 BEHIND_PROXY",
                21,
            )
        )
    if "BEHIND_PROXY" not in os.environ:
        messages.append(
            _warning(
                "没有设置 BEHIND_PROXY：应用前面有几层代理（负载均衡）要明确写出",
                "设置 BEHIND_PROXY=N（N 层代理，直接面对客户端时为 0）；错了会让登录锁定和审计记录代理的地址",
                22,
            )
        )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def cookies_and_hsts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    for name in ("SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE"):
        if getattr(settings, name) not in ("Lax", "Strict"):
            messages.append(_warning(f"{name} 是 {getattr(settings, name)!r}", "设为 'Lax' 或 'Strict'", 30))
    if not settings.CSRF_COOKIE_HTTPONLY:
        messages.append(_warning("CSRF_COOKIE_HTTPONLY 没有开启", "设为 True", 31))
    if 0 < settings.SECURE_HSTS_SECONDS < HSTS_MIN_SECONDS:
        messages.append(
            _warning(
                f"SECURE_HSTS_SECONDS 只有 {settings.SECURE_HSTS_SECONDS} 秒，不到一年",
                f"设为 {HSTS_MIN_SECONDS}（一年）",
                32,
            )
        )
    return messages


def _open_to_others(path: Path) -> bool:
    return bool(path.lstat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _private_paths() -> list[tuple[str, Path]]:
    """What holds personal data or secrets: the SQLite files, the uploads, the secrets in var/."""
    paths = []
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(database["NAME"])
        paths += [("数据库文件", path) for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm"))]
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        paths.append(("上传文件目录 MEDIA_ROOT", media))
        paths += [("上传文件", path) for path in media.rglob("*")]
    var = Path(getattr(settings, "VAR_DIR", ""))
    if var.is_dir():
        paths.append(("数据目录 GONGHUI_VAR_DIR", var))
        paths += [("密钥等文件", path) for path in var.iterdir() if path.is_file()]
    return paths


@checks.register(checks.Tags.security, deploy=True)
def file_permissions(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    exposed: dict[str, list[Path]] = {}
    for label, path in _private_paths():
        if path.exists() and _open_to_others(path):
            exposed.setdefault(label, []).append(path)
    for label, paths in exposed.items():
        listed = "、".join(str(path) for path in paths[:3]) + ("等" if len(paths) > 3 else "")
        messages.append(
            _warning(
                f"{label}对同组或其他用户开放（{len(paths)} 个：{listed}）",
                "只允许应用自己的用户读写：chmod -R go= <路径>",
                40,
            )
        )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def cipher(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    chosen = getattr(settings, "FIELD_CIPHER", None)
    if chosen is None:
        return []
    if chosen not in CIPHERS:
        return [
            _warning(
                f"FIELD_CIPHER（GONGHUI_CIPHER）是 {chosen!r}",
                "设为 'aes'（AES-256-GCM）或 'sm4'（SM4-GCM）",
                50,
            )
        ]
    if chosen == "sm4" and not _sm4_available():
        return [
            _warning(
                "GONGHUI_CIPHER=sm4，但本机的 OpenSSL 不提供 SM4-GCM",
                "换用提供 SM4 的 OpenSSL，或设为 'aes'",
                51,
            )
        ]
    return []


def _sm4_available() -> bool:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(12))).encryptor().finalize()
    except UnsupportedAlgorithm:
        return False
    return True


@checks.register(checks.Tags.database, deploy=True)
def database_role(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """The application's database role may only add to the audit log and read it, never change it."""
    if not databases or "default" not in databases:
        return []
    table = AuditLog._meta.db_table
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                return _postgresql_role(cursor, table)
            if connection.vendor == "sqlite":
                return _sqlite_triggers(cursor, table)
    except DatabaseError as error:
        return [_warning(f"无法检查数据库角色：{error}", "确认数据库可以连接并已迁移", 60)]
    return []


def _postgresql_role(cursor, table: str) -> list[checks.CheckMessage]:
    messages = []
    cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    role, superuser = cursor.fetchone()
    if superuser:
        messages.append(
            _warning(
                f"应用以超级用户 {role} 连接 PostgreSQL：它能关掉触发器、改写审计日志",
                "应用用一个普通角色连接（DATABASE_URL），只有对审计表的 INSERT 和 SELECT 权限；迁移用表的所有者角色",
                61,
            )
        )
        return messages
    cursor.execute(
        "SELECT privilege FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS privilege "
        "WHERE has_table_privilege(current_user, %s, privilege)",
        [table],
    )
    granted = [row[0] for row in cursor.fetchall()]
    if granted:
        messages.append(
            _warning(
                f"应用的数据库角色 {role} 对审计表 {table} 有 {'、'.join(granted)} 权限",
                f"REVOKE {', '.join(granted)} ON {table} FROM {role}（表的所有者另用一个角色）",
                62,
            )
        )
    return messages


def _sqlite_triggers(cursor, table: str) -> list[checks.CheckMessage]:
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
    statements = " ".join(row[0] for row in cursor.fetchall()).upper()
    missing = [
        event
        for event in ("UPDATE", "DELETE")
        if not re.search(rf"BEFORE\s+(\w+\s+OR\s+)?{event}\b", statements)
    ]
    if missing:
        return [
            _warning(
                f"SQLite 的审计表 {table} 没有拒绝 {'、'.join(missing)} 的触发器",
                "运行 gonghui migrate，让审计日志的迁移建好触发器",
                63,
            )
        ]
    return []
