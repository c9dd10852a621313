"""Upgrading a site from profile version 1001 to 1002: the name-claim permission."""

from collective.psc import claims
from plone import api

import pytest


PROFILE = "collective.psc:default"
PERMISSION = "collective.psc: Register Project Names"


@pytest.fixture
def old_site(portal):
    """Return a site whose root grants the permission as Zope's default does."""
    portal.manage_permission(PERMISSION, roles=["Manager"], acquire=True)
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
    with api.env.adopt_roles(["Site Administrator"]):
        assert not claims.may_register_names(center)
    setup = old_site.portal_setup
    setup.upgradeProfile(PROFILE, dest="1002")
    assert setup.getLastVersionForProfile(PROFILE) == ("1002",)
    assert granted(old_site) == {"Manager", "Site Administrator"}
    assert setup.listUpgrades(PROFILE) == []
    with api.env.adopt_roles(["Site Administrator"]):
        assert claims.may_register_names(center)
