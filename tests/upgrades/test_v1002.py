"""Upgrading a site from profile version 1001 to 1002."""

from collective.psc.upstream.behaviors import IUpstreamIndexes
from plone import api


PROFILE = "collective.psc:default"
BEHAVIOR = "collective.psc.upstream"


def test_upgrade_to_1002_enables_the_upstream_behavior(portal):
    fti = portal.portal_types.SoftwareCenter
    fti.behaviors = tuple(name for name in fti.behaviors if name != BEHAVIOR)
    portal.portal_setup.setLastVersionForProfile(PROFILE, "1001")
    center = api.content.create(container=portal, type="SoftwareCenter", id="pypi")
    assert IUpstreamIndexes(center, None) is None
    portal.portal_setup.upgradeProfile(PROFILE)
    assert portal.portal_setup.getLastVersionForProfile(PROFILE) == ("1002",)
    assert BEHAVIOR in fti.behaviors
    assert IUpstreamIndexes(center, None) is not None
