"""Catalog indexes of projects: value functions, and uploads keeping them current."""

from collective.psc.indexers.project import category_values
from collective.psc.indexers.project import classifier_values
from collective.psc.indexers.project import compatibility_values
from collective.psc.services import projects
from collective.psc.services import releases
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish

import pytest


@pytest.mark.parametrize(
    "classifiers,expected",
    [
        ([], []),
        (["Framework :: Plone"], ["Framework :: Plone"]),
        (
            ["Framework :: Plone :: 6.1"],
            ["Framework :: Plone", "Framework :: Plone :: 6.1"],
        ),
        (
            ["Topic :: Internet :: WWW/HTTP :: Dynamic Content", "Framework :: Plone"],
            [
                "Framework :: Plone",
                "Topic :: Internet",
                "Topic :: Internet :: WWW/HTTP",
                "Topic :: Internet :: WWW/HTTP :: Dynamic Content",
            ],
        ),
        (["Private :: Do Not Upload"], ["Private :: Do Not Upload"]),
    ],
)
def test_classifier_values_add_parents(classifiers, expected):
    assert classifier_values(classifiers) == expected


@pytest.mark.parametrize(
    "versions,expected",
    [
        ([], []),
        (["6.1"], ["6", "6.1"]),
        (["6.0", "5.2", "6.1"], ["5", "5.2", "6", "6.0", "6.1"]),
        (["6"], ["6"]),
    ],
)
def test_compatibility_values_add_majors(versions, expected):
    assert compatibility_values(versions) == expected


@pytest.mark.parametrize(
    "classifiers,categories,expected",
    [
        ([], [], []),
        (["Framework :: Plone :: Addon"], [], ["Plone add-on"]),
        (["Framework :: Plone :: Theme"], [], ["Plone theme"]),
        (["Framework :: Plone :: 6.1", "Framework :: Plone"], [], []),
        (["Topic :: Internet :: WWW/HTTP"], [], ["Internet"]),
        (["Framework :: Plone :: Addon"], [" Forms ", ""], ["Forms", "Plone add-on"]),
        (["Framework :: Django :: 5.0"], ["Tools"], ["Tools"]),
    ],
)
def test_category_values(classifiers, categories, expected):
    assert category_values(classifiers, categories) == expected


def brain(center, name):
    catalog = api.portal.get_tool("portal_catalog")
    (found,) = catalog.unrestrictedSearchResults(
        portal_type="SoftwareProject",
        path="/".join(center[name].getPhysicalPath()),
    )
    return found


def catalog_ids(center, **query):
    catalog = api.portal.get_tool("portal_catalog")
    return sorted(
        found.getId
        for found in catalog.unrestrictedSearchResults(
            portal_type="SoftwareProject",
            path="/".join(center.getPhysicalPath()),
            **query,
        )
    )


ADDON = ["Framework :: Plone :: 6.1", "Framework :: Plone :: Addon"]


def test_upload_indexes_the_newest_release(center, tmp_path):
    publish(center, build_wheel(tmp_path, "demo.addon", "1.0", classifiers=ADDON))
    found = brain(center, "demo-addon")
    assert found.psc_latest_version == "1.0"
    assert found.psc_maturity == "final"
    assert found.psc_latest_date == center["demo-addon"]["1"].release_date
    assert list(found.psc_classifiers) == [
        "Framework :: Plone",
        "Framework :: Plone :: 6.1",
        "Framework :: Plone :: Addon",
    ]
    assert list(found.psc_compatibility) == ["6", "6.1"]
    assert list(found.psc_categories) == ["Plone add-on"]
    assert catalog_ids(center, psc_classifiers="Framework :: Plone") == ["demo-addon"]
    assert catalog_ids(center, psc_compatibility="6") == ["demo-addon"]
    assert catalog_ids(center, psc_categories="Plone add-on") == ["demo-addon"]
    assert catalog_ids(center, psc_maturity="final") == ["demo-addon"]


def test_new_release_with_the_same_metadata_moves_the_listing(center, tmp_path):
    publish(center, build_wheel(tmp_path, "same", "1.0", classifiers=ADDON))
    first = brain(center, "same")
    publish(center, build_wheel(tmp_path, "same", "2.0b1", classifiers=ADDON))
    found = brain(center, "same")
    # The newest final release still speaks for the project.
    assert found.psc_latest_version == "1.0"
    publish(center, build_wheel(tmp_path, "same", "2.0", classifiers=ADDON))
    found = brain(center, "same")
    assert found.psc_latest_version == "2.0"
    assert found.psc_latest_date > first.psc_latest_date
    assert catalog_ids(center, psc_latest_date=found.psc_latest_date) == ["same"]


def test_prerelease_only_project_shows_its_maturity(center, tmp_path):
    publish(center, build_wheel(tmp_path, "early", "0.1a1"))
    assert brain(center, "early").psc_maturity == "alpha"
    publish(center, build_wheel(tmp_path, "early", "0.1rc1"))
    assert brain(center, "early").psc_maturity == "rc"


def test_deleting_the_newest_release_moves_the_listing_back(center, tmp_path):
    publish(center, build_wheel(tmp_path, "demo", "1.0"))
    publish(center, build_wheel(tmp_path, "demo", "2.0a1"))
    publish(center, build_wheel(tmp_path, "demo", "1.1"))
    assert brain(center, "demo").psc_latest_version == "1.1"
    releases.delete_release(
        release=releases.get_release(
            project=projects.get_project(center=center, name="demo"), version="1.1"
        )
    )
    assert brain(center, "demo").psc_latest_version == "1.0"
    releases.delete_release(
        release=releases.get_release(
            project=projects.get_project(center=center, name="demo"), version="1.0"
        )
    )
    found = brain(center, "demo")
    assert found.psc_latest_version == "2.0a1"
    assert found.psc_maturity == "alpha"


def test_downloads_are_indexed_only_once_counted(center, tmp_path):
    publish(center, build_wheel(tmp_path, "counted", "1.0"))
    # Every project is in the index, so sorting on it leaves none out.
    assert brain(center, "counted").psc_downloads == 0
    assert catalog_ids(center, psc_downloads={"query": 1, "range": "min"}) == []
    center["counted"].download_count = 42
    center["counted"].reindexObject(idxs=["psc_downloads"])
    assert brain(center, "counted").psc_downloads == 42
    assert catalog_ids(center, psc_downloads={"query": 1, "range": "min"}) == [
        "counted"
    ]


def test_project_without_files_is_sorted_by_its_creation(center):
    project, _created = projects.get_or_create_project(center=center, name="later")
    releases.get_or_create_release(project=project, version="1.0")
    project.reindexObject()
    found = brain(center, "later")
    assert found.psc_latest_version == "1.0"
    assert found.psc_latest_date == project.created().asdatetime()


def test_full_text_finds_the_readme_and_keywords(center, tmp_path):
    publish(
        center,
        build_wheel(
            tmp_path,
            "finder",
            "1.0",
            description="Synchronises *zebrafish* records.",
            metadata_extra={"Keywords": "aquarium,lab"},
        ),
    )
    catalog = api.portal.get_tool("portal_catalog")
    catalog.unrestrictedSearchResults()
    assert catalog_ids(center, SearchableText="zebrafish") == ["finder"]
    assert catalog_ids(center, SearchableText="aquarium") == ["finder"]
