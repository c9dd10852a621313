"""The project list a tree keeps between exports: it follows the journal."""

from collective.psc.mirroring import listing
from collective.psc.mirroring.sync import resync
from collective.psc.mirroring.sync import verify
from collective.psc.services import projects
from collective.psc.simple import data
from collective.psc.simple import render
from tests.fixtures.builder import build_wheel
from tests.fixtures.committed import change
from tests.fixtures.committed import upload

import copy
import pytest


pytestmark = pytest.mark.functional


def assert_exported_as_live(center, tree):
    """Check the kept list and the tree's list against a list built from scratch."""
    page = data.root_page(center)
    assert listing.LISTS[tree.root].page == page
    assert tree.read("simple/index.v1_json") == render.page_json(page).encode()
    assert tree.read("simple/index.html") == render.root_html(page).encode()


def test_kept_list_follows_new_projects_releases_and_deletes(mirrored, tree, tmp_path):
    upload(mirrored, build_wheel(tmp_path / "1", "beta", "1.0"))
    assert_exported_as_live(mirrored, tree)
    upload(mirrored, build_wheel(tmp_path / "2", "alpha", "1.0"))
    upload(mirrored, build_wheel(tmp_path / "3", "gamma", "1.0"))
    assert [entry["name"] for entry in listing.LISTS[tree.root].page["projects"]] == [
        "alpha",
        "beta",
        "gamma",
    ]
    upload(mirrored, build_wheel(tmp_path / "4", "beta", "2.0"))
    assert_exported_as_live(mirrored, tree)
    change(projects.delete_project, project=mirrored["beta"])
    assert_exported_as_live(mirrored, tree)
    change(projects.delete_project, project=mirrored["alpha"])
    change(projects.delete_project, project=mirrored["gamma"])
    assert_exported_as_live(mirrored, tree)
    assert not verify(mirrored, tree)


def test_list_left_behind_catches_up(mirrored, tree, tmp_path):
    # As when another process exported the tree in between: the list this
    # process kept is older than the tree, and follows the journal from there.
    upload(mirrored, build_wheel(tmp_path / "1", "alpha", "1.0"))
    older = copy.deepcopy(listing.LISTS[tree.root])
    upload(mirrored, build_wheel(tmp_path / "2", "beta", "1.0"))
    change(projects.delete_project, project=mirrored["alpha"])
    listing.LISTS[tree.root] = older
    upload(mirrored, build_wheel(tmp_path / "3", "beta", "2.0"))
    assert_exported_as_live(mirrored, tree)
    assert not verify(mirrored, tree)


@pytest.mark.parametrize(
    "journal,serial",
    [("another journal", 1), (None, 10**6)],
    ids=["of another journal", "ahead of the journal"],
)
def test_list_that_cannot_follow_is_built_again(
    mirrored, tree, tmp_path, journal, serial
):
    upload(mirrored, build_wheel(tmp_path / "1", "alpha", "1.0"))
    ghost = {
        "meta": {"api-version": data.API_VERSION, "_last-serial": serial},
        "projects": [{"name": "ghost", "_last-serial": serial}],
    }
    listing.LISTS[tree.root] = listing.ProjectList(
        journal or mirrored.journal.uid, ghost
    )
    upload(mirrored, build_wheel(tmp_path / "2", "beta", "1.0"))
    assert_exported_as_live(mirrored, tree)
    assert "ghost" not in tree.read("simple/index.html").decode()


def test_resync_keeps_the_list_it_wrote(mirrored, tree, tmp_path):
    upload(mirrored, build_wheel(tmp_path / "1", "alpha", "1.0"))
    del listing.LISTS[tree.root]
    with tree.locked():
        resync(mirrored, tree, center_path="/plone/pypi")
    assert_exported_as_live(mirrored, tree)
    upload(mirrored, build_wheel(tmp_path / "2", "beta", "1.0"))
    assert_exported_as_live(mirrored, tree)
