"""Compiles the translation catalogues (.po → .mo) with polib, so no gettext install is needed.

Run by `make` before the demo and the tests: python -m gonghui.core.catalogues
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_all() -> int:
    count = 0
    for po_path in ROOT.glob("**/locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
    return count


if __name__ == "__main__":
    compile_all()
