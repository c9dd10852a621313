"""The ``psc maintainer`` subcommands against a real instance (file order)."""

from tests.commands.test_main import free_port
from tests.commands.test_main import PSC
from tests.commands.test_main import run
from tests.functional.instance_script import __file__ as SCRIPT

import pytest
import sys


pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    root = tmp_path_factory.mktemp("instance")
    result = run(PSC, "init", "--var", "var", "--port", str(free_port()), cwd=root)
    assert result.returncode == 0, result.stderr
    zope_conf = str(root / "var" / "instance" / "etc" / "zope.conf")
    result = run(sys.executable, SCRIPT, zope_conf, "setup", cwd=root)
    assert result.returncode == 0, result.stderr
    return {"root": root, "zope_conf": zope_conf}


def psc(instance, *args):
    return run(PSC, "-C", instance["zope_conf"], *args, cwd=instance["root"])


def test_add_list_remove(instance):
    center = ("--center", "/Plone/pypi")
    added = psc(instance, "maintainer", "add", *center, "Alices_Tool", "bob")
    assert added.returncode == 0, added.stderr
    assert "bob is now a maintainer of alices-tool." in added.stdout
    listed = psc(instance, "maintainer", "list", *center, "alices-tool")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split(None, 1) for line in listed.stdout.splitlines()]
    assert rows == [["alice", "Owner"], ["bob", "Maintainer"]]
    removed = psc(instance, "maintainer", "remove", *center, "alices-tool", "bob")
    assert removed.returncode == 0, removed.stderr
    listed = psc(instance, "maintainer", "list", *center, "alices-tool")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["alice"]


def test_unknown_user_and_project_fail_with_a_sentence(instance):
    center = ("--center", "/Plone/pypi")
    result = psc(instance, "maintainer", "add", *center, "alices-tool", "nobody")
    assert result.returncode == 1
    assert "There is no user 'nobody'." in result.stderr
    result = psc(instance, "maintainer", "list", *center, "missing")
    assert result.returncode == 1
    assert "There is no project 'missing' in this index." in result.stderr
