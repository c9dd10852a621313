"""The plone.restapi tests use the server fixtures of the upload tests."""

from plone.app.testing import applyProfile
from tests.upload.conftest import center  # noqa: F401
from tests.upload.conftest import client  # noqa: F401
from tests.upload.conftest import portal_server  # noqa: F401

import pytest
import transaction


@pytest.fixture(autouse=True)
def restapi_profile(portal_server):  # noqa: F811
    """Install plone.restapi's profile, as a Volto site has it.

    It grants 'plone.restapi: Use REST API'; without it only managers may
    call the REST API.
    """
    applyProfile(portal_server, "plone.restapi:default")
    transaction.commit()
