"""``psc mirror`` on a real instance: targets, resync, verify, configurations."""

from tests.fixtures.instances import new_instance
from tests.fixtures.instances import psc
from tests.fixtures.servers import APACHE

import json
import pytest
import subprocess


pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return new_instance(tmp_path_factory.mktemp("instance"))


def test_resync_verify_and_repair(instance, tmp_path):
    tree = tmp_path / "tree"
    added = psc(
        instance, "mirror", "targets", "--center", "/Plone/pypi", "--add", str(tree)
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.split() == [str(tree)]
    first = psc(instance, "mirror", "resync", "--center", "/Plone/pypi")
    assert first.returncode == 0, first.stderr
    assert f"{tree}: serial " in first.stdout
    assert "removed" in first.stdout
    again = psc(instance, "mirror", "resync", "--center", "/Plone/pypi")
    assert ", 0 pages written, 0 archives linked, 0 copied" in again.stdout
    clean = psc(instance, "mirror", "verify", "--center", "/Plone/pypi")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"{tree}: matches the center." in clean.stdout
    root = json.loads((tree / "simple" / "index.v1_json").read_text())
    assert [project["name"] for project in root["projects"]] == ["alices-tool"]

    (tree / "simple" / "alices-tool" / "index.html").unlink()
    (tree / "simple" / "index.v1_json").write_text("{}")
    (tree / "simple" / "stray.html").write_text("x")
    damaged = psc(instance, "mirror", "verify", "--center", "/Plone/pypi")
    assert damaged.returncode == 1
    assert damaged.stdout.splitlines() == [
        f"missing    {tree}/simple/alices-tool/index.html",
        f"extra      {tree}/simple/stray.html",
        f"mismatched {tree}/simple/index.v1_json",
    ]
    assert "run 'psc mirror resync --center /Plone/pypi'" in damaged.stderr
    repaired = psc(instance, "mirror", "resync", "--center", "/Plone/pypi")
    assert ", 2 pages written," in repaired.stdout
    assert ", 1 removed" in repaired.stdout
    assert psc(instance, "mirror", "verify", "--center", "/Plone/pypi").returncode == 0


def test_resync_refuses_a_directory_it_does_not_own(instance, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    result = psc(
        instance,
        "mirror",
        "resync",
        "--center",
        "/Plone/pypi",
        "--target",
        str(tmp_path),
    )
    assert result.returncode != 0
    assert "is not empty and holds no mirror-status.json" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_apache_configuration_is_accepted_by_apache(instance, tmp_path):
    result = psc(
        instance,
        "mirror",
        "apache",
        "--tree",
        str(tmp_path / "tree"),
        "--listen",
        "127.0.0.1:8999",
        "--standalone",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    config = tmp_path / "apache2.conf"
    config.write_text(result.stdout)
    (tmp_path / "tree").mkdir()
    check = subprocess.run(
        [APACHE, "-f", str(config), "-t"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    nginx = psc(instance, "mirror", "nginx", "--tree", "/srv/tree", "--prefix", "/pypi")
    assert "location ~ ^/pypi/simple/" in nginx.stdout
    assert "alias /srv/tree/packages/;" in nginx.stdout
