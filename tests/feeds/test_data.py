"""Which releases a feed shows, built from the journal and the content."""

from collective.psc.feeds import data
from collective.psc.journal import Journal
from collective.psc.services import archives
from collective.psc.services import distributions
from collective.psc.services import projects
from collective.psc.services import releases
from plone import api
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel

import pytest


def upload(center, path):
    with open(path, "rb") as stream:
        return archives.add_archive(center=center, filename=path.name, stream=stream)


def titles(entries):
    return [entry["title"] for entry in entries]


@pytest.mark.parametrize("window", [1, 2, 3, 64, 256])
def test_newest_first_walks_every_entry_backwards(window):
    journal = Journal()
    for number in range(150):  # past the head's flush into the archive
        journal.append(project=f"p{number}", action="add file", timestamp=number)
    walked = list(data.newest_first(journal, window=window))
    assert [entry.serial for entry in walked] == list(range(150, 0, -1))
    assert walked[0].project == "p149"


def test_newest_first_of_an_empty_journal():
    assert list(data.newest_first(Journal())) == []


def test_last_change_is_the_time_of_a_serial():
    journal = Journal()
    journal.append(project="a", action="add file", timestamp=100.0)
    journal.append(project="b", action="add file", timestamp=200.0)
    assert data.last_change(journal, serial=1).timestamp() == 100.0
    assert data.last_change(journal, serial=2).timestamp() == 200.0
    assert data.last_change(journal, serial=0) is None


def test_a_release_enters_once_when_its_first_file_came(center, tmp_path):
    upload(center, build_wheel(tmp_path / "a", "Alpha", "1.0"))
    # An upload through the API sets it from the core metadata (publish.py).
    center["alpha"]["1"].description = "First."
    upload(center, build_wheel(tmp_path / "b", "Beta", "2.0"))
    # A second file of Alpha 1.0 does not make it new again.
    upload(center, build_sdist(tmp_path / "a", "Alpha", "1.0"))
    entries = data.center_entries(center, center_url="http://x/pypi")
    assert titles(entries) == ["Beta 2.0", "Alpha 1.0"]
    alpha = entries[1]
    release = center["alpha"]["1"]
    assert alpha["published"] == release.release_date
    assert alpha["url"] == "http://x/pypi/alpha/1"
    assert alpha["id"] == alpha["url"]
    assert alpha["version"] == "1.0"
    assert alpha["summary"] == "First."


def test_the_size_bounds_the_feed_and_keeps_the_newest(center, tmp_path):
    for number, name in enumerate(["Alpha", "Beta", "Gamma", "Delta"]):
        upload(center, build_wheel(tmp_path / name, name, f"{number}.0"))
    upload(center, build_sdist(tmp_path / "Alpha", "Alpha", "0.0"))
    entries = data.center_entries(center, center_url="http://x", size=2)
    assert titles(entries) == ["Delta 3.0", "Gamma 2.0"]
    every = data.center_entries(center, center_url="http://x", size=10)
    assert titles(every) == ["Delta 3.0", "Gamma 2.0", "Beta 1.0", "Alpha 0.0"]


def test_releases_without_files_are_left_out(center, tmp_path):
    distribution = upload(center, build_wheel(tmp_path, "Alpha", "1.0"))
    upload(center, build_wheel(tmp_path, "Alpha", "2.0"))
    project = center["alpha"]
    releases.get_or_create_release(project=project, version="3.0")
    distributions.delete_file(
        distribution=distributions.get_file(
            center=center, filename=distribution.filename
        )
    )
    assert titles(data.center_entries(center, center_url="")) == ["Alpha 2.0"]
    assert titles(data.project_entries(project, center_url="")) == ["Alpha 2.0"]


def test_deleted_projects_leave_the_feed(center, tmp_path):
    upload(center, build_wheel(tmp_path, "Alpha", "1.0"))
    upload(center, build_wheel(tmp_path, "Beta", "1.0"))
    projects.delete_project(project=projects.get_project(center=center, name="alpha"))
    assert titles(data.center_entries(center, center_url="")) == ["Beta 1.0"]


def test_project_feed_orders_by_first_upload_not_by_version(center, tmp_path):
    upload(center, build_wheel(tmp_path, "Alpha", "2.0"))
    upload(center, build_wheel(tmp_path, "Alpha", "1.5"))  # a backport, later
    project = center["alpha"]
    feed = data.project_feed(project, center_url="http://x/pypi")
    assert titles(feed["entries"]) == ["Alpha 1.5", "Alpha 2.0"]
    assert feed["title"] == "New releases of Alpha"
    assert feed["url"] == "http://x/pypi/alpha"
    assert feed["updated"] == data.last_change(
        center.journal, serial=project.last_serial()
    )


def test_center_feed_describes_the_center(center, tmp_path):
    empty = data.center_feed(center, center_url="http://x/pypi")
    assert empty["entries"] == []
    assert empty["updated"] == center.created().asdatetime()
    upload(center, build_wheel(tmp_path, "Alpha", "1.0"))
    feed = data.center_feed(center, center_url="http://x/pypi")
    assert feed["title"] == "New releases in Package index"
    assert feed["author"] == "Package index"
    assert feed["updated"] == data.last_change(
        center.journal, serial=center.journal.last_serial
    )
    assert titles(feed["entries"]) == ["Alpha 1.0"]


def test_a_yanked_release_is_marked_in_the_feed(center, tmp_path):
    upload(center, build_wheel(tmp_path / "1", "Alpha", "1.0"))
    upload(center, build_wheel(tmp_path / "2", "Alpha", "1.1"))
    with api.env.adopt_roles(["Manager"]):
        releases.yank(release=center["alpha"]["1.1"], reason="Broken.")
    entries = data.project_entries(center["alpha"], center_url="")
    assert titles(entries) == ["Alpha 1.1 (yanked)", "Alpha 1.0"]
