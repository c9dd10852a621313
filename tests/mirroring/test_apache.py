"""A real Apache serves the exported tree as the live center serves the index.

The center runs in the WSGI server of the layer; its uploads are exported
after each commit into a tree that Debian's apache2, started here on
loopback with the configuration ``psc mirror apache`` prints, serves. pip,
uv and buildout install from Apache, and a table of Accept headers gets the
same answer from both.
"""

from collective.psc.mirroring.sync import verify
from collective.psc.services import distributions
from collective.psc.services import projects
from collective.psc.services import releases
from tests.fixtures.buildout import buildout_from_index
from tests.fixtures.committed import change
from tests.fixtures.installers import pip_and_uv_install
from tests.fixtures.installers import pip_install
from tests.fixtures.served import fresh
from tests.fixtures.servers import ACCEPT_HEADERS
from tests.fixtures.servers import get
from tests.fixtures.servers import running_apache
from tests.fixtures.servers import same_files
from tests.fixtures.servers import same_page

import pytest
import requests


pytestmark = pytest.mark.functional


@pytest.fixture
def apache(center_tree, tmp_path):
    """Serve the center's tree with Apache; return its base URL."""
    with running_apache(center_tree.root, tmp_path / "apache") as base:
        yield base


@pytest.mark.parametrize("page", ["", "demo-pkg/"])
def test_apache_answers_every_accept_header_as_the_center(
    served_center, client, center_tree, published, apache, page
):
    for accept in ACCEPT_HEADERS:
        same_page(client.center_url, apache, page, accept)


def test_archives_and_metadata_as_the_center(
    served_center, client, center_tree, published, apache
):
    same_files(client.center_url, apache)


def test_pip_uv_and_buildout_install_from_apache(
    served_center, client, center_tree, published, apache, venv, tmp_path
):
    pip_and_uv_install(venv, f"{apache}/simple/")
    buildout_from_index(tmp_path / "buildout", f"{apache}/simple/")


def test_tree_follows_uploads_yanks_and_deletes(
    served_center, client, center_tree, published, apache, venv
):
    assert not verify(fresh(served_center), center_tree)
    project = projects.get_project(center=fresh(served_center), name="demo-pkg")
    release = releases.get_release(project=project, version="2.0")
    change(releases.yank, release=release, reason="bad")
    assert not verify(fresh(served_center), center_tree)
    pip = pip_install(venv, f"{apache}/simple/", "demo-pkg")
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert "demo_pkg-1.0-py3-none-any.whl" in pip.stdout
    wheel = published[2].name
    distribution = distributions.get_file(center=fresh(served_center), filename=wheel)
    change(distributions.delete_file, distribution=distribution)
    assert not verify(fresh(served_center), center_tree)
    assert wheel not in get(f"{apache}/simple/demo-pkg/", None).text
    project = projects.get_project(center=fresh(served_center), name="demo-lib")
    change(projects.delete_project, project=project)
    assert not verify(fresh(served_center), center_tree)
    assert requests.get(f"{apache}/simple/demo-lib/", timeout=30).status_code == 404


def test_verify_lists_a_damaged_tree(served_center, client, center_tree, published):
    root = center_tree.root
    page = "simple/demo-pkg/index.v1_json"
    (root / page).write_text("{}")
    archive = next(path for path in center_tree.files() if path.endswith(".whl"))
    (root / archive).unlink()
    (root / "packages" / "stray.whl").write_bytes(b"x")
    differences = verify(fresh(served_center), center_tree)
    assert differences.mismatched == [page]
    assert differences.missing == [archive]
    assert differences.extra == ["packages/stray.whl"]
