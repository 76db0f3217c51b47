"""The roles a sign-in can hold. Core decides scopes from them; each app says what a role reaches.

The platform's administration is split in three (三权分立, 等保 level 3): the system administrator
(PLATFORM_ADMIN: users, organisations, settings), the security administrator (roles, second
factors, unlocks) and the audit administrator (reads and exports the audit log, nothing else).
None of them can take another's duty, and none is granted from the web: an administrator's role is
given on the server (`gonghui grant-admin`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    FEDERATION_STAFF = "federation_staff", _("总工会工作人员")
    UNION_ADMIN = "union_admin", _("基层工会管理员")
    ACADEMY_STAFF = "academy_staff", _("工匠学院工作人员")
    LAWYER = "lawyer", _("律师")
    WORKER = "worker", _("职工")


# Roles that act for an organisation of the tree and need one.
ORGANISATION_ROLES = (Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.ACADEMY_STAFF)
# The three administrators: each holds one duty, and only the server grants these roles.
ADMINISTRATOR_ROLES = (Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# Everyone but workers signs in with a second factor.
SECOND_FACTOR_ROLES = tuple(role for role in Role if role != Role.WORKER)
