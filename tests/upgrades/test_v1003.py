"""Upgrading a site from profile version 1002 to 1003."""

from collective.psc.services import releases
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish

import pytest


PROFILE = "collective.psc:default"


@pytest.fixture
def old_site(manager, portal, tmp_path):
    """Return a site as 1002 left it: no yanked column, authors without names."""
    center = api.content.create(container=portal, type="SoftwareCenter", id="pypi")
    modern = {"Author-email": "Jane Doe <jane@example.org>"}
    for version in ("1.0", "1.1"):
        path = build_wheel(tmp_path / version, "Old", version, metadata_extra=modern)
        publish(center, path)
    project = center["old"]
    # Version 1002 kept Author empty when only Author-email named someone.
    project.author = ""
    project.long_description_html = '<h1 id="x">Old<a href="#x"></a></h1><p>t</p>'
    releases.yank(release=project["1.1"])
    project["1.1"].files()[0].yanked = True
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delColumn("psc_latest_yanked")
    portal.portal_setup.setLastVersionForProfile(PROFILE, "1002")
    return portal


def test_upgrade_to_1003(old_site):
    setup = old_site.portal_setup
    setup.upgradeProfile(PROFILE, dest="1003")
    assert setup.getLastVersionForProfile(PROFILE) == ("1003",)
    left = [
        step
        for group in setup.listUpgrades(PROFILE)
        for step in (group if isinstance(group, list) else [group])
    ]
    assert {step["source"] for step in left} == {("1003",)}
    project = old_site["pypi"]["old"]
    assert project.author == "Jane Doe"
    assert project.long_description_html == '<h2 id="x">Old</h2><p>t</p>'
    [brain] = api.content.find(portal_type="SoftwareProject", SearchableText="Jane")
    assert brain.psc_latest_version == "1.0"
    assert brain.psc_latest_yanked is False
