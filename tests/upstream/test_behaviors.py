"""The upstream settings: who may change them and which values they take."""

from collective.psc.upstream.behaviors import index_url
from collective.psc.upstream.behaviors import IUpstreamIndexes
from collective.psc.upstream.behaviors import project_name
from collective.psc.upstream.behaviors import upstream_settings
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.autoform.interfaces import WRITE_PERMISSIONS_KEY
from plone.restapi.interfaces import ISerializeToJson
from plone.supermodel.utils import mergedTaggedValueDict
from zope.component import getMultiAdapter
from zope.interface import Invalid

import pytest
import transaction


def test_only_site_managers_change_the_upstream_settings():
    permissions = mergedTaggedValueDict(IUpstreamIndexes, WRITE_PERMISSIONS_KEY)
    assert {
        name: permissions.get(name) for name in IUpstreamIndexes.names()
    } == dict.fromkeys(IUpstreamIndexes.names(), "cmf.ManagePortal")


@pytest.mark.parametrize(
    "url", ["https://pypi.example/simple/", "http://user:secret@127.0.0.1:8080/s/"]
)
def test_index_urls(url):
    assert index_url(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/", "ftp://pypi.example/", "/simple/", "https:///x"]
)
def test_other_urls_are_refused(url):
    with pytest.raises(Invalid):
        index_url(url)


def test_project_names():
    assert project_name("Zope.Interface")
    with pytest.raises(Invalid):
        project_name("-bad-")


def test_the_center_has_the_behavior(served_center):
    assert IUpstreamIndexes(served_center).upstream_urls == []


def test_upstream_urls_are_serialized_for_managers_only(served_center):
    portal_request = served_center.REQUEST
    served_center.upstream_urls = ["https://user:secret@index.example/simple/"]
    setRoles(api.portal.get(), TEST_USER_ID, ["Manager"])
    managed = getMultiAdapter((served_center, portal_request), ISerializeToJson)()
    assert managed["upstream_urls"] == served_center.upstream_urls
    setRoles(api.portal.get(), TEST_USER_ID, ["Site Administrator"])
    administered = getMultiAdapter((served_center, portal_request), ISerializeToJson)()
    assert "upstream_urls" not in administered
    logout()
    anonymous = getMultiAdapter((served_center, portal_request), ISerializeToJson)()
    assert "upstream_urls" not in anonymous
    assert "secret" not in str(anonymous)


def test_settings_are_kept_until_the_center_changes(served_center):
    """Read once per committed state of the center, afresh after any change."""
    first = upstream_settings(served_center)
    assert first.urls == ()
    assert upstream_settings(served_center) is first
    # An edit not committed yet is read at once.
    served_center.upstream_urls = ["https://one.example/simple/"]
    assert upstream_settings(served_center).urls == ("https://one.example/simple/",)
    transaction.commit()
    kept = upstream_settings(served_center)
    assert kept.urls == ("https://one.example/simple/",)
    assert upstream_settings(served_center) is kept
    # A commit from another connection (another thread or instance).
    manager = transaction.TransactionManager()
    connection = served_center._p_jar.db().open(transaction_manager=manager)
    try:
        other = connection.root()["Application"].unrestrictedTraverse(
            served_center.getPhysicalPath()
        )
        other.upstream_urls = ["https://two.example/simple/"]
        other.upstream_offline = True
        manager.commit()
    finally:
        connection.close()
    transaction.begin()
    changed = upstream_settings(served_center)
    assert changed.urls == ("https://two.example/simple/",)
    assert changed.offline is True
