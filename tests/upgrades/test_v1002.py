"""Upgrading a site from profile version 1001 to 1002."""

from collective.psc import permissions
from collective.psc import services
from plone import api
from tests.fixtures.builder import build_wheel

import pytest


PROFILE = "collective.psc:default"
UPLOADED_TYPES = ("SoftwareRelease", "DistributionFile")


@pytest.fixture
def old_site(portal):
    """Return a site set back to what version 1001 installed."""
    portal.manage_permission(
        permissions.WritePackagingFields, roles=["Manager"], acquire=True
    )
    for name in UPLOADED_TYPES:
        fti = portal.portal_types[name]
        fti.manage_changeProperties(add_permission="collective.psc.UploadDistribution")
    portal.portal_setup.setLastVersionForProfile(PROFILE, "1001")
    return portal


def granted(portal, permission):
    return {
        role["name"]
        for role in portal.rolesOfPermission(permission)
        if role["selected"]
    }


def test_upgrade_to_1002(old_site):
    setup = old_site.portal_setup
    assert granted(old_site, permissions.WritePackagingFields) == {"Manager"}
    setup.upgradeProfile(PROFILE)
    assert setup.getLastVersionForProfile(PROFILE) == ("1002",)
    assert granted(old_site, permissions.WritePackagingFields) == set()
    assert not old_site.acquiredRolesAreUsedBy(permissions.WritePackagingFields)
    for name in UPLOADED_TYPES:
        fti = old_site.portal_types[name]
        assert fti.add_permission == "collective.psc.WritePackagingFields"
    # The rest of the types and the rolemap are as they were.
    assert (
        old_site.portal_types.SoftwareProject.add_permission
        == "collective.psc.AddProject"
    )
    assert granted(old_site, permissions.ManageReleases) == {
        "Manager",
        "Site Administrator",
        "Owner",
        "Maintainer",
    }
    assert setup.listUpgrades(PROFILE) == []


def test_uploads_still_add_releases_after_the_upgrade(old_site, tmp_path):
    old_site.portal_setup.upgradeProfile(PROFILE)
    center = api.content.create(container=old_site, type="SoftwareCenter", id="pypi")
    wheel = build_wheel(tmp_path, "after-upgrade", "1.0")
    with open(wheel, "rb") as stream:
        services.add_distribution(center=center, filename=wheel.name, stream=stream)
    [distribution] = center["after-upgrade"]["1"].files()
    assert distribution.filename == wheel.name
