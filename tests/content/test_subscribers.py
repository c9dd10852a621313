"""Removals and edits made outside the service layer reach the journal and storage."""

from collective.psc import journal
from collective.psc.services import archives
from collective.psc.services import distributions
from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.simple import data
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.storage import upload
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import pytest
import transaction


@pytest.fixture
def filled(make_center, tmp_path):
    """Return a filesystem center with two projects of one wheel each."""
    center = make_center("filesystem")
    with api.env.adopt_roles(["Manager"]):
        for name in ("alpha", "beta"):
            upload(center, build_wheel(tmp_path / name, name, "1.0"))
            upload(center, build_wheel(tmp_path / name, name, "2.0"))
    transaction.commit()
    return fresh(center)


def fresh(center):
    """Return the center as a new transaction sees it."""
    transaction.begin()
    return center.aq_parent[center.getId()]


def paths_of(center, name: str) -> list:
    return [
        archives.archive_path(item)
        for release in projects.get_project(center=center, name=name).releases()
        for item in release.files()
    ]


def actions_since(center, serial: int) -> list[tuple[str, str, str, str]]:
    return [
        (entry.action, entry.project, entry.version, entry.filename)
        for entry in center.journal.entries(serial)
    ]


def test_project_deleted_in_plone_is_journaled_and_its_archives_go(filled):
    center = filled
    serial = center.journal.last_serial
    paths = paths_of(center, "alpha")
    assert len(paths) == 2 and all(path.is_file() for path in paths)
    with api.env.adopt_roles(["Manager"]):
        center.manage_delObjects(["alpha"])
    transaction.commit()
    center = fresh(center)
    assert actions_since(center, serial) == [(journal.REMOVE_PROJECT, "alpha", "", "")]
    assert [item["name"] for item in data.root_page(center)["projects"]] == ["beta"]
    assert not any(path.exists() for path in paths)
    assert all(path.is_file() for path in paths_of(center, "beta"))


def test_release_deleted_in_plone_is_journaled_once(filled):
    center = filled
    serial = center.journal.last_serial
    project = center["alpha"]
    release = releases.find_release(project=project, version="1.0")
    [path] = [archives.archive_path(item) for item in release.files()]
    with api.env.adopt_roles(["Manager"]):
        project.manage_delObjects([release.getId()])
    transaction.commit()
    center = fresh(center)
    assert actions_since(center, serial) == [
        (journal.REMOVE_RELEASE, "alpha", "1.0", "")
    ]
    assert not path.exists()
    assert data.project_page(center["alpha"], center_url="", serial=0)["versions"] == [
        "2.0"
    ]


def test_service_deletes_write_one_entry_each(filled):
    center = filled
    serial = center.journal.last_serial
    [wheel] = releases.find_release(project=center["beta"], version="2.0").files()
    filename = wheel.filename
    with api.env.adopt_roles(["Manager"]):
        distributions.delete_file(
            distribution=distributions.get_file(center=center, filename=filename)
        )
        releases.delete_release(
            release=releases.get_release(
                project=projects.get_project(center=center, name="beta"), version="1.0"
            )
        )
        projects.delete_project(
            project=projects.get_project(center=center, name="alpha")
        )
    transaction.commit()
    center = fresh(center)
    assert actions_since(center, serial) == [
        (journal.REMOVE_FILE, "beta", "2.0", filename),
        (journal.REMOVE_RELEASE, "beta", "1.0", ""),
        (journal.REMOVE_PROJECT, "alpha", "", ""),
    ]
    assert distributions.find_file(center=center, filename=filename) is None


def test_aborted_removal_leaves_journal_and_archives(filled):
    center = filled
    serial = center.journal.last_serial
    paths = paths_of(center, "alpha")
    with api.env.adopt_roles(["Manager"]):
        center.manage_delObjects(["alpha"])
    transaction.abort()
    center = fresh(center)
    assert center.journal.last_serial == serial
    assert "alpha" in center
    assert all(path.is_file() for path in paths)


def test_edits_are_journaled_so_cached_pages_renew(filled):
    center = filled
    serial = center.journal.last_serial
    project = center["alpha"]
    project.title = "Alpha, renamed"
    notify(ObjectModifiedEvent(project))
    notify(ObjectModifiedEvent(releases.find_release(project=project, version="1.0")))
    transaction.commit()
    center = fresh(center)
    assert actions_since(center, serial) == [
        (journal.UPDATE_PROJECT, "alpha", "", ""),
        (journal.UPDATE_RELEASE, "alpha", "1.0", ""),
    ]
    assert center["alpha"].last_serial() == center.journal.last_serial
