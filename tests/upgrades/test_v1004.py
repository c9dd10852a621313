"""Upgrading a site from profile version 1003 to 1004."""

from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish


PROFILE = "collective.psc:default"


def test_upgrade_to_1004_adds_the_hosted_upstream_column(manager, portal, tmp_path):
    center = api.content.create(container=portal, type="SoftwareCenter", id="pypi")
    publish(center, build_wheel(tmp_path, "Old", "1.0"))
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delColumn("psc_upstream")
    portal.portal_setup.setLastVersionForProfile(PROFILE, "1003")
    setup = portal.portal_setup
    setup.upgradeProfile(PROFILE, dest="1004")
    assert setup.getLastVersionForProfile(PROFILE) == ("1004",)
    assert setup.listUpgrades(PROFILE) == []
    assert "psc_upstream" in catalog.schema()
    [brain] = api.content.find(portal_type="SoftwareProject")
    # A project catalogued before 1004 has no value: it is local.
    assert not brain.psc_upstream
