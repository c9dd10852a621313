"""Upgrading a site from profile version 1001 to 1002: name claims, upstream indexes."""

from collective.psc import claims
from collective.psc.upstream.behaviors import IUpstreamIndexes
from plone import api

import pytest


PROFILE = "collective.psc:default"
PERMISSION = "collective.psc: Register Project Names"
BEHAVIOR = "collective.psc.upstream"


@pytest.fixture
def old_site(portal):
    """Return a site set back to what version 1001 installed."""
    portal.manage_permission(PERMISSION, roles=["Manager"], acquire=True)
    fti = portal.portal_types.SoftwareCenter
    fti.behaviors = tuple(name for name in fti.behaviors if name != BEHAVIOR)
    portal.portal_setup.setLastVersionForProfile(PROFILE, "1001")
    return portal


def granted(portal):
    return {
        role["name"]
        for role in portal.rolesOfPermission(PERMISSION)
        if role["selected"]
    }


def test_upgrade_to_1002(old_site):
    center = api.content.create(container=old_site, type="SoftwareCenter", id="pypi")
    assert granted(old_site) == {"Manager"}
    assert IUpstreamIndexes(center, None) is None
    with api.env.adopt_roles(["Site Administrator"]):
        assert not claims.may_register_names(center)
    setup = old_site.portal_setup
    setup.upgradeProfile(PROFILE, dest="1002")
    assert setup.getLastVersionForProfile(PROFILE) == ("1002",)
    assert setup.listUpgrades(PROFILE) == []
    assert granted(old_site) == {"Manager", "Site Administrator"}
    with api.env.adopt_roles(["Site Administrator"]):
        assert claims.may_register_names(center)
    assert BEHAVIOR in old_site.portal_types.SoftwareCenter.behaviors
    assert IUpstreamIndexes(center, None) is not None
