"""zc.buildout and pip install from a center's simple index and find-links pages.

Buildout needs its recipe, zc.recipe.egg, as an egg of its own; the tests
download the wheel once and upload it into the center beside the demo
projects, so that each buildout reads nothing but the center.
"""

from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.tokens.store import create_token
from pathlib import Path
from plone import api
from tests.fixtures.buildout import buildout
from tests.fixtures.buildout import buildout_from_index
from tests.fixtures.buildout import installed
from tests.fixtures.buildout import RECIPE_VERSION
from tests.fixtures.buildout import run
from tests.fixtures.served import fresh
from tests.fixtures.served import make_private

import pytest
import sys
import transaction


pytestmark = pytest.mark.functional


def imports_demo(directory: Path) -> str:
    """Return where the interpreter buildout made imports the demo package from."""
    result = run(
        directory / "bin" / "py",
        "-c",
        "import demo_lib, demo_pkg; print(demo_pkg.__file__)",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def yank(center, version):
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        releases.yank(
            release=releases.get_release(
                project=projects.get_project(center=fresh(center), name="demo-pkg"),
                version=version,
            )
        )
    transaction.commit()


def test_buildout_installs_through_the_simple_index(
    served_center, client, published, tmp_path
):
    directory = tmp_path / "buildout"
    buildout_from_index(directory, f"{client.center_url}/simple/")
    assert str(directory / "eggs") in imports_demo(directory)


def test_buildout_installs_through_find_links_without_yanked_files(
    served_center, client, published, tmp_path
):
    yank(served_center, "2.0")
    empty_index = tmp_path / "empty-index"
    empty_index.mkdir()
    directory = tmp_path / "buildout"
    result = buildout(
        directory,
        index=str(empty_index),
        **{"find-links": f"{client.center_url}/links/"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Reading {client.center_url}/links/" in result.stdout
    assert installed(directory) == [
        "Demo.Pkg-1.0",
        "demo_lib-1.0",
        f"zc.recipe.egg-{RECIPE_VERSION}",
    ]
    assert str(directory / "eggs") in imports_demo(directory)


def test_buildout_reads_a_private_center_through_find_links_with_credentials(
    served_center, client, published, tmp_path
):
    make_private(served_center)
    empty_index = tmp_path / "empty-index"
    empty_index.mkdir()
    scheme, host = client.center_url.split("://", 1)
    anonymous = buildout(
        tmp_path / "anonymous",
        index=str(empty_index),
        **{"find-links": f"{client.center_url}/links/"},
    )
    assert anonymous.returncode != 0
    output = anonymous.stdout + anonymous.stderr
    assert "Couldn't find a distribution for 'zc.recipe.egg" in output
    directory = tmp_path / "buildout"
    (directory / ".buildout").mkdir(parents=True)
    (directory / ".buildout" / "default.cfg").write_text(
        f"[buildout]\nfind-links = {scheme}://alice:alice-secret@{host}/links/\n"
    )
    result = buildout(directory, index=str(empty_index))
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed(directory)[:2] == ["Demo.Pkg-2.0", "demo_lib-1.0"]


def test_buildout_reads_a_private_center_through_the_index_with_pypirc(
    served_center, client, published, tmp_path
):
    make_private(served_center)
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        _info, token = create_token(center=fresh(served_center), user_id="alice")
    transaction.commit()
    directory = tmp_path / "buildout"
    directory.mkdir()
    (directory / ".pypirc").write_text(
        "[distutils]\n"
        "index-servers = company\n"
        "\n"
        "[company]\n"
        f"repository = {client.upload_url}\n"
        "username = alice\n"
        "password = alice-secret\n"
        "\n"
        "[company-read]\n"
        f"repository = {client.center_url}/\n"
        "username = __token__\n"
        f"password = {token}\n"
    )
    result = buildout(directory, index=f"{client.center_url}/simple/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Authenticating as __token__" in result.stdout
    assert installed(directory)[:2] == ["Demo.Pkg-2.0", "demo_lib-1.0"]


def test_pip_installs_from_the_find_links_page_alone(
    served_center, client, published, tmp_path
):
    yank(served_center, "2.0")
    result = run(
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-index",
        "--no-cache-dir",
        "--find-links",
        f"{client.center_url}/links/",
        "--dest",
        tmp_path / "downloads",
        "demo-pkg",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(path.name for path in (tmp_path / "downloads").iterdir()) == [
        "demo_lib-1.0-py3-none-any.whl",
        "demo_pkg-1.0-py3-none-any.whl",
    ]
