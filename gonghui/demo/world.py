"""The demo world: a fictional zone federation whose 2024 figures match the feature's.

Each app contributes its part (gonghui.core.registry.demo: organisations, members, sign-ins,
activities, coverage…), built in order into one transaction with one seeded faker, so the world is
the same every time. Bulk inserts keep it well under a minute; the rows are the ones the services
would write.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from gonghui.core import registry
from gonghui.core.audit import audit_record
from gonghui.core.registry import DemoWorld
from gonghui.demo.fake import Faker

DEMO_PASSWORD = "Gonghui-demo-2025"
YEAR = 2024


def sign_ins() -> list[tuple[str, str]]:
    """Every demo account (username, description), in the order the steps create them."""
    return [sign_in for step in registry.demo for sign_in in step.sign_ins]


@transaction.atomic
def load_demo(seed: int = 2024) -> list[tuple[str, str]]:
    """Loads the demo world into an empty database; returns the sign-ins (username, description)."""
    world = DemoWorld(seed=seed, year=YEAR)
    world.faker = Faker(seed)
    for step in registry.demo:
        if step.build is not None:
            step.build(world)
    audit_record(actor=None, username="demo", action="demo.load", obj=world.values.get("zone"))
    return sign_ins()


def database_is_empty() -> bool:
    """No sign-in exists yet: a database fresh from migrate."""
    return not get_user_model().objects.exists()
