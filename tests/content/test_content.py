"""The content types: where each may be added and what it computes."""

from collective.psc.interfaces import IDistributionFile
from collective.psc.interfaces import IProject
from collective.psc.interfaces import IRelease
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.services import archives
from collective.psc.services import releases
from plone import api
from plone.api.exc import InvalidParameterError
from plone.dexterity.interfaces import IDexterityFTI
from tests.fixtures.builder import build_wheel
from zope.component import getUtility

import pytest


def upload(center, path):
    with open(path, "rb") as stream:
        return archives.add_archive(center=center, filename=path.name, stream=stream)


@pytest.mark.parametrize(
    "type_name,allowed",
    [
        ("SoftwareCenter", ["SoftwareProject"]),
        ("SoftwareProject", ["SoftwareRelease"]),
        ("SoftwareRelease", ["DistributionFile"]),
    ],
)
def test_each_type_only_in_its_parent(portal, type_name, allowed):
    fti = getUtility(IDexterityFTI, name=type_name)
    assert fti.filter_content_types
    assert list(fti.allowed_content_types) == allowed


@pytest.mark.parametrize(
    "type_name", ["SoftwareProject", "SoftwareRelease", "DistributionFile"]
)
def test_inner_types_not_addable_in_the_site(portal, type_name):
    assert not getUtility(IDexterityFTI, name=type_name).global_allow
    with pytest.raises(InvalidParameterError):
        api.content.create(container=portal, type=type_name, id="x")


def test_release_not_addable_in_center(center):
    with pytest.raises(InvalidParameterError):
        api.content.create(container=center, type="SoftwareRelease", id="1.0")


def test_center_is_unordered_and_marked(center):
    assert ISoftwareCenter.providedBy(center)
    assert center.getOrdering().__class__.__name__ == "UnorderedOrdering"
    assert center.journal.last_serial == 0
    assert center.storage == "blob"


def test_whole_tree_is_unordered_and_marked(center, tmp_path):
    item = upload(center, build_wheel(tmp_path, "demo", "1.0"))
    project = center["demo"]
    release = project["1"]
    assert IProject.providedBy(project)
    assert IRelease.providedBy(release)
    assert IDistributionFile.providedBy(item)
    for folder in (project, release):
        assert folder.getOrdering().__class__.__name__ == "UnorderedOrdering"


def test_latest_release_and_catalog(center, tmp_path):
    for version in ("1.0", "2.0b1", "1.5"):
        upload(center, build_wheel(tmp_path, "demo", version))
    project = center["demo"]
    assert releases.latest_release(project=project).version == "1.5"
    catalog = api.portal.get_tool("portal_catalog")
    catalog.unrestrictedSearchResults()  # process the indexing queue
    types = {
        brain.portal_type
        for brain in catalog.unrestrictedSearchResults(
            path="/".join(center.getPhysicalPath())
        )
    }
    assert types == {"SoftwareCenter", "SoftwareProject"}


def test_projects_are_found_by_their_text(center, tmp_path):
    upload(center, build_wheel(tmp_path, "zebrafish", "1.0"))
    found = api.content.find(context=center, SearchableText="zebrafish")
    assert [brain.portal_type for brain in found] == ["SoftwareProject"]
