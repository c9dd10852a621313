"""Upgrading a site from profile version 1001 to 1002.

The rolemap brings the Register Project Names permission (name claims) and
the Write Packaging Fields permission that no role has; the types make
releases and files addable by uploads only and give centers the upstream
indexes behavior.
"""

from collective.psc import permissions
from collective.psc.services import archives
from collective.psc.services import claims
from collective.psc.upstream.behaviors import IUpstreamIndexes
from plone import api
from tests.fixtures.builder import build_wheel

import pytest


PROFILE = "collective.psc:default"
BEHAVIOR = "collective.psc.upstream"
UPLOADED_TYPES = ("SoftwareRelease", "DistributionFile")


@pytest.fixture
def old_site(manager, portal):
    """Return a site set back to what version 1001 installed."""
    portal.manage_permission(
        permissions.RegisterProjectNames, roles=["Manager"], acquire=True
    )
    portal.manage_permission(
        permissions.WritePackagingFields, roles=["Manager"], acquire=True
    )
    for name in UPLOADED_TYPES:
        fti = portal.portal_types[name]
        fti.manage_changeProperties(add_permission="collective.psc.UploadDistribution")
    fti = portal.portal_types.SoftwareCenter
    # Through the property manager, so that Dexterity forgets the behaviors
    # it cached for the type (a test before this one may have used them).
    fti.manage_changeProperties(
        behaviors=tuple(name for name in fti.behaviors if name != BEHAVIOR)
    )
    portal.portal_setup.setLastVersionForProfile(PROFILE, "1001")
    return portal


def granted(portal, permission):
    return {
        role["name"]
        for role in portal.rolesOfPermission(permission)
        if role["selected"]
    }


def test_upgrade_to_1002(old_site):
    center = api.content.create(container=old_site, type="SoftwareCenter", id="pypi")
    assert IUpstreamIndexes(center, None) is None
    with api.env.adopt_roles(["Site Administrator"]):
        assert not claims.may_register_names(center)
    setup = old_site.portal_setup
    setup.upgradeProfile(PROFILE, dest="1002")
    assert setup.getLastVersionForProfile(PROFILE) == ("1002",)
    left = [
        step
        for group in setup.listUpgrades(PROFILE)
        for step in (group if isinstance(group, list) else [group])
    ]
    assert {step["source"] for step in left} == {("1002",), ("1003",)}
    assert granted(old_site, permissions.RegisterProjectNames) == {
        "Manager",
        "Site Administrator",
    }
    with api.env.adopt_roles(["Site Administrator"]):
        assert claims.may_register_names(center)
    assert granted(old_site, permissions.WritePackagingFields) == set()
    assert not old_site.acquiredRolesAreUsedBy(permissions.WritePackagingFields)
    for name in UPLOADED_TYPES:
        fti = old_site.portal_types[name]
        assert fti.add_permission == "collective.psc.WritePackagingFields"
    assert (
        old_site.portal_types.SoftwareProject.add_permission
        == "collective.psc.AddProject"
    )
    assert BEHAVIOR in old_site.portal_types.SoftwareCenter.behaviors
    assert IUpstreamIndexes(center, None) is not None


def test_uploads_still_add_releases_after_the_upgrade(old_site, tmp_path):
    old_site.portal_setup.upgradeProfile(PROFILE, dest="1002")
    center = api.content.create(container=old_site, type="SoftwareCenter", id="pypi")
    wheel = build_wheel(tmp_path, "after-upgrade", "1.0")
    with open(wheel, "rb") as stream:
        archives.add_archive(center=center, filename=wheel.name, stream=stream)
    [distribution] = center["after-upgrade"]["1"].files()
    assert distribution.filename == wheel.name
