"""The translations of collective.psc: compile the .po files Zope reads as .mo."""

from pathlib import Path
from zope.i18n.compile import compile_mo_file


DOMAIN = "collective.psc"
LOCALES = Path(__file__).parent / "locales"


def compile_translations() -> list[Path]:
    """Compile every language's .po file to .mo; return the .mo files."""
    compiled = []
    for po in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        compile_mo_file(DOMAIN, str(po.parent))
        compiled.append(po.with_suffix(".mo"))
    return compiled


if __name__ == "__main__":
    for path in compile_translations():
        print(path)
