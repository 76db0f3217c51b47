"""gonghui scopes: the table of models × roles — how each role reaches each model's rows — and of
capabilities × roles, for review. It reads what the apps declare; it decides nothing itself."""

from django.apps import apps
from django.core.management.base import BaseCommand

from gonghui.core import registry
from gonghui.core.roles import Role


class Command(BaseCommand):
    help = "列出各模型的数据范围（各角色能看到和修改哪些行）及各角色的权限，供审阅"

    def handle(self, *args, **options):
        roles = [role for role in Role if role != Role.PLATFORM_ADMIN]
        self.stdout.write("# 数据范围（platform_admin：全部，可修改）\n")
        self.stdout.write("| model | " + " | ".join(roles) + " |")
        self.stdout.write("|---|" + "---|" * len(roles))
        for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
            visibility = getattr(model, "visibility", None)
            if visibility is None:
                continue
            cells = [visibility.summary(role) for role in roles]
            self.stdout.write(f"| {model._meta.label} | " + " | ".join(cells) + " |")
        unscoped = sorted(m._meta.label for m in apps.get_models() if not hasattr(m, "visibility"))
        self.stdout.write("\n未声明范围的模型（只在平台管理中可见）：" + "、".join(unscoped))
        self.stdout.write("\n# 权限\n")
        self.stdout.write("| capability | " + " | ".join(Role) + " |")
        self.stdout.write("|---|" + "---|" * len(Role))
        for capability in registry.capabilities:
            cells = ["✓" if role in capability.roles else "" for role in Role]
            self.stdout.write(f"| {capability.key} ({capability.label}) | " + " | ".join(cells) + " |")
