"""The pages of a center rendered in an integration layer, and who may see them."""

from plone import api
from tests.browser.conftest import publish_examples

import pytest


@pytest.fixture
def examples(center, tmp_path):
    publish_examples(center, tmp_path)
    catalog = api.portal.get_tool("portal_catalog")
    catalog.unrestrictedSearchResults()  # process the indexing queue
    return center


def render(context, name, request, **form):
    request.form.update(form)
    request.other.update(form)
    return context.restrictedTraverse(name)()


def test_listing_renders(examples, request_factory=None):
    request = examples.REQUEST
    html = render(examples, "@@psc-listing", request)
    assert "collective.easyform.extra" in html
