"""Weaken one scope rule at a time and run the authorization tests: each weakened rule must make a
test fail ("killed"). A weakening no test notices ("survived") is a hole in the tests.

    .venv/bin/python -m tests.mutations [--suite FULL] [--only NAME]

Each mutation is a textual change to the code that decides scope (core/scope.py, the Visibility each
model declares, the capabilities each app registers, the transfer rule); the file is restored after
each run. By default the authorization suite runs (tests/authorization and the scope and audit
tests); a mutation that survives it is run against the whole suite before it is reported.
"""

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOCUSED = ["tests/authorization", "gonghui/core/tests/test_scope.py", "gonghui/core/tests/test_audit.py"]


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    old: str
    new: str


MUTATIONS = [
    Mutation(
        "platform's everything for anyone",
        "gonghui/core/scope.py",
        "        if scope.everything:\n            return queryset.all()",
        "        if True:\n            return queryset.all()",
    ),
    Mutation(
        "readers may write",
        "gonghui/core/scope.py",
        "        if write and scope.role not in self.write:",
        "        if False:",
    ),
    Mutation(
        "no condition reaches every row",
        "gonghui/core/scope.py",
        "        return queryset.none() if condition is None else queryset.filter(condition)",
        "        return queryset.all() if condition is None else queryset.filter(condition)",
    ),
    Mutation(
        "a subtree widened to its parent's",
        "gonghui/core/scope.py",
        '                q |= Q(**{f"{lookup}__startswith": scope.path})',
        '                q |= Q(**{f"{lookup}__startswith": scope.path.rstrip("/").rsplit("/", 1)[0] + "/"})',
    ),
    Mutation(
        "own union: any union",
        "gonghui/core/scope.py",
        "            q = Q(**{self.union: scope.organisation_id})",
        '            q = Q(**{f"{self.union}__isnull": False})',
    ),
    Mutation(
        "own person: any person",
        "gonghui/core/scope.py",
        "            q = Q(**{self.person: scope.person_id})",
        '            q = Q(**{f"{self.person}__isnull": False})',
    ),
    Mutation(
        "capabilities always held",
        "gonghui/core/scope.py",
        "        return capability in self.capabilities",
        "        return True",
    ),
    Mutation(
        "academy staff taken for federation staff",
        "gonghui/core/scope.py",
        "    role = user.role\n",
        "    role = Role.FEDERATION_STAFF if user.role == Role.ACADEMY_STAFF else user.role\n",
    ),
    Mutation(
        "a subtree's path without its closing slash (ZONE reaches ZONE2)",
        "gonghui/core/scope.py",
        '        path=organisation.path if organisation else "",',
        '        path=organisation.path.rstrip("/") if organisation else "",',
    ),
    Mutation(
        "require returns the object unchecked",
        "gonghui/core/scope.py",
        "        pk = obj_or_pk.pk if isinstance(obj_or_pk, models.Model) else obj_or_pk\n        return get_or_404(self, pk=pk)",
        "        return obj_or_pk",
    ),
    Mutation(
        "union admins read any person",
        "gonghui/members/models.py",
        "            Role.UNION_ADMIN: _with_a_reached_membership,",
        "            Role.UNION_ADMIN: lambda scope: Q(pk__isnull=False),",
    ),
    Mutation(
        "workers change their own membership",
        "gonghui/members/models.py",
        '        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},\n        write=OFFICERS,\n    )\n\n    class Meta:\n        verbose_name = _("会员关系")',
        '        read={**OFFICER_REACH, Role.WORKER: Reach.PERSON},\n        write=(*OFFICERS, Role.WORKER),\n    )\n\n    class Meta:\n        verbose_name = _("会员关系")',
    ),
    Mutation(
        "workers keep the roster",
        "gonghui/members/registrations.py",
        "OFFICERS = [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN]",
        "OFFICERS = [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN, Role.WORKER]",
    ),
    Mutation(
        "a union admin transfers anywhere",
        "gonghui/members/selectors.py",
        '        federation_path = scope.path.rstrip("/").rsplit("/", 1)[0] + "/"',
        '        federation_path = "/"',
    ),
    Mutation(
        "audit rows of every user",
        "gonghui/core/models.py",
        "    users = get_user_model().objects.filter(organisation__path__startswith=scope.path)",
        "    users = get_user_model().objects.all()",
    ),
    Mutation(
        "union admins read the audit log",
        "gonghui/core/registrations.py",
        'capability("audit.read", _("查阅审计日志"), [Role.AUDIT_ADMIN, Role.FEDERATION_STAFF]),',
        'capability("audit.read", _("查阅审计日志"), [Role.AUDIT_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN]),',
    ),
    Mutation(
        "union admins read the reports",
        "gonghui/reports/registrations.py",
        'capability("reports.read", _("查看统计报表"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF]),',
        'capability("reports.read", _("查看统计报表"), [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN]),',
    ),
    Mutation(
        "academy staff read foundings",
        "gonghui/coverage/models.py",
        "FOUNDING_READ = {Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: Reach.UNION}",
        "FOUNDING_READ = {Role.FEDERATION_STAFF: Reach.TREE, Role.UNION_ADMIN: Reach.UNION, Role.ACADEMY_STAFF: Reach.TREE}",
    ),
    Mutation(
        "union admins run campaigns",
        "gonghui/coverage/registrations.py",
        'capability("coverage.run", _("组织集中行动、办理建会流程和指导走访"), [Role.FEDERATION_STAFF]),',
        'capability("coverage.run", _("组织集中行动、办理建会流程和指导走访"), [Role.FEDERATION_STAFF, Role.UNION_ADMIN]),',
    ),
    Mutation(
        "union admins reach every enterprise of their zone",
        "gonghui/orgs/models.py",
        '        tree=("federation__path", "union__path"), union="union", read=OFFICER_REACH, write=OFFICERS',
        '        tree=("federation__path", "union__path"), union="union", read={**OFFICER_REACH, "union_admin": lambda s: models.Q(federation__path=s.path.rstrip("/").rsplit("/", 1)[0] + "/")}, write=OFFICERS',
    ),
    Mutation(
        "a union admin reaches the organisations of their federation",
        "gonghui/orgs/models.py",
        '    visibility = Visibility(tree="path", union="pk", read=OFFICER_REACH, write=OFFICERS)',
        '    visibility = Visibility(tree="path", union="parent", read=OFFICER_REACH, write=OFFICERS)',
    ),
    Mutation(
        "activities reached by anyone with a role",
        "gonghui/activities/registrations.py",
        "        [Role.PLATFORM_ADMIN, Role.FEDERATION_STAFF, Role.UNION_ADMIN],\n    ),\n)",
        "        list(Role),\n    ),\n)",
    ),
    Mutation(
        "union admins reach the roster jobs of their whole zone",
        "gonghui/rosters/models.py",
        '    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)',
        '    visibility = Visibility(tree="union__path", union="union", read={**OFFICER_REACH, "union_admin": lambda s: models.Q(union__path__startswith=s.path.rstrip("/").rsplit("/", 1)[0] + "/")}, write=OFFICERS)',
    ),
    Mutation(
        "welfare of every union for federation staff",
        "gonghui/activities/models.py",
        '    visibility = Visibility(tree="union__path", union="union", read=OFFICER_REACH, write=OFFICERS)',
        '    visibility = Visibility(tree="union__path", union="union", read={**OFFICER_REACH, "federation_staff": lambda s: models.Q(pk__isnull=False)}, write=OFFICERS)',
    ),
    Mutation(
        "campaigns of every federation",
        "gonghui/coverage/models.py",
        '    visibility = Visibility(tree="federation__path", read=FEDERATION, write=STAFF_ONLY)',
        '    visibility = Visibility(tree="federation__path", read={"federation_staff": lambda s: models.Q(pk__isnull=False)}, write=STAFF_ONLY)',
    ),
]


def run(tests: list[str]) -> bool:
    """True when the tests pass (the mutation survived). A mutant that cannot even be imported is a
    mistake in this list, not a kill: that stops the run."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "--no-header", *tests]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if result.returncode not in (0, 1):
        raise SystemExit(f"the tests could not run:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the mutation whose name contains this")
    args = parser.parse_args()
    if not run(FOCUSED):
        print("the authorization tests fail without any mutation: fix them first")
        return 2
    survivors = []
    for mutation in MUTATIONS:
        if args.only and args.only not in mutation.name:
            continue
        path = ROOT / mutation.path
        original = path.read_text()
        if original.count(mutation.old) != 1:
            print(f"!! {mutation.name}: the code to mutate is not there once in {mutation.path}")
            survivors.append(mutation.name)
            continue
        started = time.monotonic()
        try:
            path.write_text(original.replace(mutation.old, mutation.new))
            survived = run(FOCUSED) and run(["gonghui", "tests"])
        finally:
            path.write_text(original)
        verdict = "SURVIVED" if survived else "killed"
        print(f"{verdict:8} {mutation.name} ({time.monotonic() - started:.0f} s)")
        if survived:
            survivors.append(mutation.name)
    tried = len([m for m in MUTATIONS if not args.only or args.only in m.name])
    print(f"\n{tried} mutations tried, {len(survivors)} survived")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
