"""The ``psc maintainer`` subcommands against a real instance (file order)."""

from tests.fixtures.instances import new_instance
from tests.fixtures.instances import psc

import pytest


pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return new_instance(tmp_path_factory.mktemp("instance"))


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
