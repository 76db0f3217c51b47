import time

from django.core.management.base import BaseCommand
from django.db import transaction

from gonghui.core import registry


class Command(BaseCommand):
    help = "从原始记录重新计算全部按月统计（各组织每月的汇总数），用于迁移后或核对"

    def handle(self, *args, **options):
        for rollup in registry.rollups:
            started = time.perf_counter()
            with transaction.atomic():
                rows = rollup.rebuild()
            self.stdout.write(f"{rollup.label}：{rows}行，用时{time.perf_counter() - started:.1f}秒")
