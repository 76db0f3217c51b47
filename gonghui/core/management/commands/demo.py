import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from gonghui.core import registry
from gonghui.demo.world import DEMO_PASSWORD, database_is_empty, load_demo, sign_ins


def _stop(signum, frame):
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = "迁移数据库，向空数据库载入演示数据，并在 http://127.0.0.1:8000 启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="载入后退出，不启动服务")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve=False, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        if database_is_empty():
            started = time.monotonic()
            load_demo()
            self.stdout.write(f"演示数据已载入，用时 {time.monotonic() - started:.1f} 秒")
        else:
            self.stdout.write("数据库已有数据，未重复载入演示数据")
        for step in registry.demo:
            if step.on_start is not None:
                step.on_start(self.stdout)
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, description in sign_ins():
            self.stdout.write(f"  {username:<16} {description}")
        for step in registry.demo:
            for note in step.sign_in_notes:
                self.stdout.write(note)
        if not no_serve:
            self.stdout.write(f"服务地址：http://{addrport}/")
            # The background worker (roster imports) runs beside the web server and stops with it,
            # on Ctrl-C and on SIGTERM alike.
            signal.signal(signal.SIGTERM, _stop)
            worker = subprocess.Popen([sys.executable, "-m", "gonghui", "db_worker"])  # noqa: S603
            try:
                call_command("runserver", addrport, use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=30)
