"""Each app's own part of the authorization tests, a module per app named after it, holding any of:

- `extend(world)`: the app's objects on both sides of the world, made through its services by each
  side's own officers and kept in `world.own.objects` / `world.foreign.objects`;
- `ROWS`: the matrix rows of the app's URLs (tests/authorization/common.Row);
- `CALLS`: the app's write services for the service checks (tests/authorization/common.Call).

The matrix and the service checks gather them here, so a new app brings its rows beside the others
and the completeness test still fails on any URL without one.
"""

import importlib
import pkgutil


def _modules():
    return [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]


def gather(name: str) -> dict:
    merged: dict = {}
    for module in _modules():
        part = getattr(module, name, {})
        clash = merged.keys() & part.keys()
        assert not clash, f"{module.__name__}.{name} repeats {sorted(clash)}"
        merged |= part
    return merged


def extend(world) -> None:
    for module in _modules():
        if hasattr(module, "extend"):
            module.extend(world)
