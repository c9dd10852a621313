"""Fixtures of the token tests: site members, a project, a server layer."""

from collective.psc.services import projects
from plone import api
from pytest_plone import fixtures_factory
from tests.tokens.server import PASSWORD
from tests.tokens.server import TOKENS_SERVER_TESTING

import pytest


globals().update(fixtures_factory(((TOKENS_SERVER_TESTING, "token_server"),)))


@pytest.fixture
def members(portal):
    """Add the members alice and bob, as a site administrator does."""
    with api.env.adopt_roles(["Manager"]):
        for name in ("alice", "bob"):
            api.user.create(
                email=f"{name}@example.org", username=name, password=PASSWORD
            )
    return ("alice", "bob")


@pytest.fixture
def project(center, members):
    """Return the project 'alices-tool', owned by alice."""
    with api.env.adopt_user(username="alice"):
        project, _created = projects.get_or_create_project(
            center=center, name="Alices-Tool"
        )
    return project
