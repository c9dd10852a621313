"""Fixtures for the upload protocol: a real WSGI server with a center in it."""

from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.fixtures.served import build_project
from tests.functional.client import IndexClient

import pytest
import transaction


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


@pytest.fixture(scope="session")
def demo_dists(tmp_path_factory):
    """Return the wheel and sdist of psc-demo 1.0, built from a real project."""
    return build_project(tmp_path_factory.mktemp("demo"), "1.0")
