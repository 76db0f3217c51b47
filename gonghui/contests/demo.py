"""Demo skill competitions (filled in below)."""

SIGN_INS = ()


def build(world) -> None:
    pass
