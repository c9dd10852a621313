"""Upgrading a site from profile version 1000 to 1001."""

from collective.psc.services import archives
from collective.psc.services import releases
from collective.psc.upgrades.v1001 import LISTING_INDEXES
from plone import api
from plone.registry.interfaces import IRegistry
from Products.CMFCore.indexing import processQueue
from tests.fixtures.builder import build_wheel
from zope.component import getUtility

import pytest


PROFILE = "collective.psc:default"
RECORD = "collective.psc.default_upload_size_limit"


@pytest.fixture
def old_site(manager, portal, tmp_path):
    """Return a site set back to what version 1000 installed, with a project."""
    center = api.content.create(container=portal, type="SoftwareCenter", id="pypi")
    wheel = build_wheel(tmp_path, "Old.Project", "1.0")
    with open(wheel, "rb") as stream:
        archives.add_archive(center=center, filename=wheel.name, stream=stream)
    catalog = api.portal.get_tool("portal_catalog")
    processQueue()
    # Version 1000 did not index a project's summary as its text.
    center["old-project"].description = "Quokka tools."
    for name in LISTING_INDEXES:
        catalog.delIndex(name)
    registry = getUtility(IRegistry)
    del registry.records[RECORD]
    fti = portal.portal_types.SoftwareProject
    fti.manage_changeProperties(default_view="view", view_methods=("view",))
    portal.portal_setup.setLastVersionForProfile(PROFILE, "1000")
    return portal


def test_upgrade_to_1001(old_site):
    setup = old_site.portal_setup
    assert setup.listUpgrades(PROFILE)
    setup.upgradeProfile(PROFILE, dest="1001")
    assert setup.getLastVersionForProfile(PROFILE) == ("1001",)
    catalog = api.portal.get_tool("portal_catalog")
    assert set(LISTING_INDEXES) <= set(catalog.indexes())
    project = old_site.pypi["old-project"]
    maturity = releases.latest_release(project=project).maturity
    [brain] = catalog(psc_maturity=maturity, psc_downloads=0)
    assert brain.getId == "old-project"
    [brain] = catalog(SearchableText="quokka")
    assert brain.getId == "old-project"
    assert getUtility(IRegistry)[RECORD] == 100
    assert old_site.portal_types.SoftwareProject.default_view == "psc-project"
    # Only the steps after 1001 are left.
    left = [
        step
        for group in setup.listUpgrades(PROFILE)
        for step in (group if isinstance(group, list) else [group])
    ]
    assert {step["source"] for step in left} == {("1001",), ("1002",), ("1003",)}
