"""Fixtures of the mirroring tests: a committed center with a mirror directory.

The Apache and nginx tests use the server fixtures of the upload, simple and
find-links tests: a center in the layer's WSGI server and what is uploaded.
"""

from collective.psc.mirroring.writer import Tree
from collective.psc.services import archives
from plone import api
from tests.findlinks.test_clients import published  # noqa: F401
from tests.findlinks.test_clients import recipe  # noqa: F401
from tests.fixtures.served import fresh
from tests.simple.test_views import venv  # noqa: F401
from tests.upload.conftest import center  # noqa: F401
from tests.upload.conftest import client  # noqa: F401
from tests.upload.conftest import portal_server  # noqa: F401

import pytest
import transaction


@pytest.fixture
def tree(tmp_path):
    """Return the mirror tree of the center, not yet written."""
    return Tree(tmp_path / "mirror")


@pytest.fixture
def center_tree(center, tmp_path):  # noqa: F811
    """Make a tree a mirror directory of the server tests' center; return it."""
    tree = Tree(tmp_path / "tree")
    fresh(center).mirror_targets = [str(tree.root)]
    transaction.commit()
    return tree


@pytest.fixture
def mirrored(functional, tree):
    """Return a committed center whose changes are exported to ``tree``."""
    portal = functional["portal"]
    with api.env.adopt_roles(["Manager"]):
        center = api.content.create(
            container=portal, type="SoftwareCenter", id="pypi", title="Index"
        )
    center.mirror_targets = [str(tree.root)]
    transaction.commit()
    return center


def upload(into, path):
    """Upload an archive into a center as a Manager and commit."""
    with api.env.adopt_roles(["Manager"]), open(path, "rb") as stream:
        distribution = archives.add_archive(
            center=into, filename=path.name, stream=stream
        )
    transaction.commit()
    return distribution


def change(function, **kwargs):
    """Call a service function as a Manager and commit."""
    with api.env.adopt_roles(["Manager"]):
        result = function(**kwargs)
    transaction.commit()
    return result
