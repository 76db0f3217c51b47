import json

from django.core.management.base import BaseCommand, CommandError

from gonghui.orgs.models import Organisation
from gonghui.reports import selectors
from gonghui.reports.excel import write_xlsx


class Command(BaseCommand):
    help = "输出某组织及其下级某年度的统计指标（每项含上年数值）"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织代码，如 ZONE")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2024")
        parser.add_argument("--format", default="json", choices=["json", "xlsx", "pdf"])
        parser.add_argument("--out", help="xlsx 文件的输出路径")

    def handle(self, *args, org, year, format, out=None, **options):
        root = Organisation.objects.filter(code=org).first()
        if root is None:
            raise CommandError(f"找不到组织代码为 {org} 的组织")
        if not 1900 <= year <= 9999:
            raise CommandError(f"年度 {year} 无效")
        if format == "pdf":
            raise CommandError("PDF 格式的年度报告尚未提供，请使用 --format json 或 --format xlsx")
        figures = selectors.kpis_for(root, year)
        if format == "xlsx":
            if not out:
                raise CommandError("--format xlsx 需要用 --out 指定输出文件，如 --out report.xlsx")
            write_xlsx(root, year, figures, out)
            self.stdout.write(f"已写入 {out}")
            return
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
