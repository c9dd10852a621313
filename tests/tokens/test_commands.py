"""The ``psc token`` subcommands against a real instance.

The tests share one instance and run in file order.
"""

from tests.fixtures.commands import run_script
from tests.fixtures.instances import new_instance
from tests.fixtures.instances import psc
from tests.fixtures.instances import SCRIPT

import json
import pytest
import re


TOKEN = re.compile(r"^psc-(?P<id>[0-9a-f]{12})\.[A-Za-z0-9_-]{43}$", re.MULTILINE)

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return {**new_instance(tmp_path_factory.mktemp("instance")), "tokens": {}}


def authenticate(instance, token):
    result = run_script(
        SCRIPT, instance["zope_conf"], "authenticate", token, cwd=instance["root"]
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_create_prints_the_token_once(instance):
    result = psc(
        instance,
        "token",
        "create",
        "--center",
        "/Plone/pypi",
        "--user",
        "alice",
        "--description",
        "CI",
    )
    assert result.returncode == 0, result.stderr
    [match] = TOKEN.finditer(result.stdout)
    token = match.group(0)
    assert f"Created API token {match['id']} for alice, scope: all projects." in (
        result.stdout
    )
    assert "not shown again" in result.stdout
    assert "__token__" in result.stdout
    assert authenticate(instance, token) == {"user": "alice", "project": None}
    instance["tokens"]["all"] = match["id"]


def test_create_scoped_token(instance):
    result = psc(
        instance,
        "--user",
        "admin",
        "token",
        "create",
        "--center",
        "Plone/pypi/",
        "--user",
        "alice",
        "--project",
        "Alices_Tool",
    )
    assert result.returncode == 0, result.stderr
    match = TOKEN.search(result.stdout)
    assert "scope: project alices-tool." in result.stdout
    assert authenticate(instance, match.group(0)) == {
        "user": "alice",
        "project": "alices-tool",
    }
    instance["tokens"]["scoped"] = match["id"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--user", "nobody"), "There is no user 'nobody' in this site."),
        (("--user", "bob", "--project", "alices-tool"), "'bob' cannot upload"),
        (("--user", "alice", "--project", "nothing"), "a project 'nothing'"),
    ],
)
def test_create_refused(instance, args, message):
    result = psc(instance, "token", "create", "--center", "/Plone/pypi", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert TOKEN.search(result.stdout) is None


def test_unknown_center(instance):
    result = psc(instance, "token", "list", "--center", "/Plone/nothing")
    assert result.returncode == 1
    assert "There is no software center at /Plone/nothing." in result.stderr


def test_list(instance):
    result = psc(instance, "token", "list", "--center", "/Plone/pypi")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "user", "scope"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == set(instance["tokens"].values())
    all_projects = rows[instance["tokens"]["all"]].split()
    assert all_projects[1:4] == ["alice", "all", "projects"]
    # created date and time, expiry, last use (none: no request used it), description
    assert all_projects[-3:] == ["never", "never", "CI"]
    scoped = rows[instance["tokens"]["scoped"]].split()
    assert scoped[1:4] == ["alice", "project", "alices-tool"]
    assert "psc-" not in result.stdout
    result = psc(instance, "token", "list", "--center", "/Plone/pypi", "--user", "bob")
    assert result.stdout.splitlines()[1:] == []


def test_revoke(instance):
    token_id = instance["tokens"]["all"]
    result = psc(instance, "token", "revoke", "--center", "/Plone/pypi", token_id)
    assert result.returncode == 0, result.stderr
    assert f"Revoked API token {token_id} of alice." in result.stdout
    result = psc(instance, "token", "list", "--center", "/Plone/pypi")
    assert token_id not in result.stdout
    assert instance["tokens"]["scoped"] in result.stdout
    result = psc(instance, "token", "revoke", "--center", "/Plone/pypi", token_id)
    assert result.returncode == 1
    assert f"There is no API token {token_id!r}" in result.stderr


def test_help_lists_token_commands(instance):
    result = psc(instance, "token", "--help")
    assert result.returncode == 0
    for command in ("create", "list", "revoke"):
        assert re.search(rf"\b{command}\b", result.stdout)
