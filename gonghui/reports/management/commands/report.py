from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.scope import SystemActor
from gonghui.orgs.models import Organisation
from gonghui.reports import services


class Command(BaseCommand):
    help = "年度工作报告：某组织及其下级某年度的各项指标（每项含上年数值），json、xlsx 或 pdf"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织代码，如 ZONE")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2024")
        parser.add_argument("--format", default="json", choices=services.FORMATS)
        parser.add_argument("--out", help="输出文件（json 不指定时打印出来）")

    def handle(self, *args, org, year, format, out=None, **options):
        root = Organisation.objects.filter(code=org).first()
        if root is None:
            raise CommandError(f"找不到组织代码为 {org} 的组织")
        if format != "json" and not out:
            raise CommandError(f"--format {format} 需要用 --out 指定输出文件，如 --out report.{format}")
        try:
            content = services.report_export(root=root, year=year, format=format, by=SystemActor("report"))
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        if out:
            Path(out).write_bytes(content)
            self.stdout.write(f"已写入 {out}")
        else:
            self.stdout.write(content.decode())
