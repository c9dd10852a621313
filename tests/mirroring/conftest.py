"""Fixtures of the mirroring tests: a committed center with a mirror directory.

The Apache and nginx tests use the served center of tests/fixtures/served.py
and what tests/fixtures/buildout.py publishes into it.
"""

from collective.psc.mirroring.writer import Tree
from plone import api
from tests.fixtures.served import fresh

import pytest
import transaction


@pytest.fixture
def tree(tmp_path):
    """Return the mirror tree of the center, not yet written."""
    return Tree(tmp_path / "mirror")


@pytest.fixture
def center_tree(served_center, tmp_path):
    """Make a tree a mirror directory of the served center; return it."""
    tree = Tree(tmp_path / "tree")
    fresh(served_center).mirror_targets = [str(tree.root)]
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
