"""Fixtures shared by the whole test suite."""

from collective.psc.testing import FUNCTIONAL_TESTING
from collective.psc.testing import INTEGRATION_TESTING
from collective.psc.testing import SERVER_TESTING
from plone import api
from pytest_plone import fixtures_factory

import pytest


pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
            (SERVER_TESTING, "server"),
        )
    )
)


@pytest.fixture
def center(portal):
    """Return a new, empty software center in the portal."""
    return api.content.create(
        container=portal, type="SoftwareCenter", id="pypi", title="Package index"
    )
