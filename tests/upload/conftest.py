"""Fixtures for the upload protocol: a real WSGI server with a center in it."""

from pathlib import Path
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.functional.client import IndexClient

import pytest
import shutil
import subprocess
import sys
import transaction


PROJECT = Path(__file__).parent.parent / "fixtures" / "project"
BIN = Path(sys.executable).parent


@pytest.fixture
def portal_server(server):
    """Return the portal served by the WSGI server of the layer."""
    return server["portal"]


@pytest.fixture
def center(portal_server):
    """Return a committed software center, visible to the server thread."""
    with api.env.adopt_roles(["Manager"]):
        center = api.content.create(
            container=portal_server, type="SoftwareCenter", id="pypi", title="Index"
        )
        for name in ("alice", "bob"):
            api.user.create(
                email=f"{name}@example.org", username=name, password=f"{name}-secret"
            )
    transaction.commit()
    return center


@pytest.fixture
def client(center):
    """Return a client that uploads as the site owner (a Manager)."""
    return IndexClient(center.absolute_url(), SITE_OWNER_NAME, SITE_OWNER_PASSWORD)


def fresh(center):
    """Return the center as the server last committed it."""
    transaction.begin()
    portal = api.portal.get()
    return portal[center.getId()]


def make_private(center) -> None:
    """Commit the center's transition to private, as a Manager would."""
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=fresh(center), transition="make_private")
    transaction.commit()


def virtual_host_monster():
    """Return the Zope root's virtual host monster, adding one if missing."""
    from Products.SiteAccess.VirtualHostMonster import manage_addVirtualHostMonster

    app = api.portal.get().aq_parent
    if "virtual_hosting" not in app.objectIds():
        manage_addVirtualHostMonster(app, "virtual_hosting")
        transaction.commit()
    return app.virtual_hosting


def host_rooted_url(client) -> str:
    """Return the center's URL as a front proxy for https://pypi.example/ sends it."""
    virtual_host_monster()
    server = client.center_url.split("/plone/")[0]
    return f"{server}/VirtualHostBase/https/pypi.example:443/plone/pypi/VirtualHostRoot"


def build_project(directory: Path, version: str) -> list[Path]:
    """Build the tiny fixture project with uv and its setuptools; return the files."""
    source = directory / f"src-{version}"
    shutil.copytree(PROJECT, source)
    pyproject = source / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('version = "1.0"', f'version = "{version}"')
    )
    out = directory / f"dist-{version}"
    subprocess.run(
        [
            str(BIN / "uv"),
            "build",
            "--quiet",
            "--no-build-isolation",
            "--python",
            sys.executable,
            "--out-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return sorted(
        path for path in out.iterdir() if path.name.endswith((".whl", ".tar.gz"))
    )


@pytest.fixture(scope="session")
def demo_dists(tmp_path_factory):
    """Return the wheel and sdist of psc-demo 1.0, built from a real project."""
    return build_project(tmp_path_factory.mktemp("demo"), "1.0")
