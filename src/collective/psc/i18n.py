"""The translations of collective.psc: compile the .po files Zope reads as .mo."""

from contextlib import closing
from pathlib import Path
from pythongettext.msgfmt import Msgfmt

import os
import tempfile


DOMAIN = "collective.psc"
LOCALES = Path(__file__).parent / "locales"


def compile_po(po: Path) -> Path:
    """Compile one .po file to the .mo beside it unless that is newer; return the .mo.

    The .mo is written to a temporary file and renamed into place, so a process
    that reads it at the same moment sees the old file or the new one, never half.
    """
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return mo
    with po.open("rb") as source, closing(Msgfmt(source, DOMAIN).getAsFile()) as out:
        data = out.read()
    handle, partial = tempfile.mkstemp(
        dir=po.parent, prefix=f".{DOMAIN}-", suffix=".mo"
    )
    try:
        with os.fdopen(handle, "wb") as target:
            target.write(data)
        os.chmod(partial, 0o644)
        os.replace(partial, mo)
    except BaseException:
        os.unlink(partial)
        raise
    return mo


def compile_translations() -> list[Path]:
    """Compile every language's .po file to .mo; return the .mo files."""
    return [compile_po(po) for po in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))]


if __name__ == "__main__":
    for path in compile_translations():
        print(path)
