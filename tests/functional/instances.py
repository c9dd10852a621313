"""Make a real instance with members and a project, for the psc command tests."""

from pathlib import Path
from tests.fixtures.commands import free_port
from tests.fixtures.commands import PSC
from tests.fixtures.commands import run

import sys


SCRIPT = Path(__file__).parent / "instance_script.py"


def new_instance(root: Path) -> dict:
    """Run ``psc init`` in a folder and add alice, bob and alice's project."""
    result = run(PSC, "init", "--var", "var", "--port", str(free_port()), cwd=root)
    assert result.returncode == 0, result.stderr
    zope_conf = str(root / "var" / "instance" / "etc" / "zope.conf")
    result = run(sys.executable, str(SCRIPT), zope_conf, "setup", cwd=root)
    assert result.returncode == 0, result.stderr
    return {"root": root, "zope_conf": zope_conf}


def psc(instance: dict, *args: str):
    """Run ``psc`` on an instance."""
    return run(PSC, "-C", instance["zope_conf"], *args, cwd=instance["root"])
