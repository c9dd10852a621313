"""The plone.restapi tests use the server fixtures of tests/fixtures/served.py."""

from plone.app.testing import applyProfile

import pytest
import transaction


@pytest.fixture(autouse=True)
def restapi_profile(portal_server):
    """Install plone.restapi's profile, as a Volto site has it.

    It grants 'plone.restapi: Use REST API'; without it only managers may
    call the REST API.
    """
    applyProfile(portal_server, "plone.restapi:default")
    transaction.commit()
