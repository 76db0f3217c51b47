"""The roles a sign-in can hold. Core decides scopes from them; each app says what a role reaches."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("平台管理员")
    FEDERATION_STAFF = "federation_staff", _("总工会工作人员")
    UNION_ADMIN = "union_admin", _("基层工会管理员")
    ACADEMY_STAFF = "academy_staff", _("工匠学院工作人员")
    LAWYER = "lawyer", _("律师")
    WORKER = "worker", _("职工")


# Roles that act for an organisation of the tree and need one.
ORGANISATION_ROLES = (Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.ACADEMY_STAFF)
