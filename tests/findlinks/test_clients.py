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
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import BIN
from tests.fixtures.served import fresh
from tests.fixtures.served import make_private
from tests.release.buildout_versions import RECIPE_VERSIONS

import os
import pytest
import subprocess
import sys
import transaction


RECIPE_VERSION = RECIPE_VERSIONS["zc-recipe-egg"]

pytestmark = pytest.mark.functional


def run(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="session")
def recipe(tmp_path_factory) -> Path:
    """Return the wheel of zc.recipe.egg, downloaded once."""
    directory = tmp_path_factory.mktemp("recipe")
    result = run(
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--dest",
        directory,
        f"zc.recipe.egg=={RECIPE_VERSION}",
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = directory.glob("*.whl")
    return wheel


@pytest.fixture
def published(center, client, tmp_path, recipe):
    """Upload the recipe, 'demo-lib' 1.0 and 'Demo.Pkg' 1.0 and 2.0 needing it."""
    needs_lib = {"Requires-Dist": "demo-lib>=1"}
    paths = [
        recipe,
        build_wheel(tmp_path / "dist", "demo-lib", "1.0"),
        build_wheel(tmp_path / "dist", "Demo.Pkg", "1.0", metadata_extra=needs_lib),
        build_wheel(tmp_path / "dist", "Demo.Pkg", "2.0", metadata_extra=needs_lib),
    ]
    for path in paths:
        assert client.upload(path).status == 200
    return paths


def buildout(directory: Path, **options: str) -> subprocess.CompletedProcess:
    """Run buildout with a one-part configuration in a directory of its own.

    The directory is also the home directory, so that no ``~/.buildout`` or
    ``~/.pypirc`` of the machine takes part.
    """
    directory.mkdir(exist_ok=True)
    lines = [
        "[buildout]",
        "parts = demo",
        *(f"{key} = {value}" for key, value in options.items()),
        "",
        "[versions]",
        f"zc.recipe.egg = {RECIPE_VERSION}",
        "",
        "[demo]",
        "recipe = zc.recipe.egg",
        "eggs = demo-pkg",
        "interpreter = py",
    ]
    (directory / "buildout.cfg").write_text("\n".join(lines) + "\n")
    return run(BIN / "buildout", cwd=directory, env={"HOME": str(directory)})


def installed(directory: Path) -> list[str]:
    """Return the names and versions of the eggs buildout installed."""
    eggs = (directory / "eggs").glob("*/*.egg")
    return sorted("-".join(egg.name.split("-")[:2]) for egg in eggs)


def buildout_from_index(directory: Path, index: str) -> None:
    """Run buildout on a simple index; check it installed the newest demo eggs."""
    result = buildout(directory, index=index)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Reading {index}demo-pkg/" in result.stdout
    assert installed(directory) == [
        "Demo.Pkg-2.0",
        "demo_lib-1.0",
        f"zc.recipe.egg-{RECIPE_VERSION}",
    ]


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
    center, client, published, tmp_path
):
    directory = tmp_path / "buildout"
    buildout_from_index(directory, f"{client.center_url}/simple/")
    assert str(directory / "eggs") in imports_demo(directory)


def test_buildout_installs_through_find_links_without_yanked_files(
    center, client, published, tmp_path
):
    yank(center, "2.0")
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
    center, client, published, tmp_path
):
    make_private(center)
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
    center, client, published, tmp_path
):
    make_private(center)
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        _info, token = create_token(center=fresh(center), user_id="alice")
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
    center, client, published, tmp_path
):
    yank(center, "2.0")
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
