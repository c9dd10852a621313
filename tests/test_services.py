"""The service layer against a real Plone site (integration layer)."""

from Acquisition import aq_base
from collective.psc import journal
from collective.psc.exceptions import DigestMismatch
from collective.psc.exceptions import DuplicateFile
from collective.psc.exceptions import FileExists
from collective.psc.exceptions import FileNotFound
from collective.psc.exceptions import FileTooLarge
from collective.psc.exceptions import InvalidFilename
from collective.psc.exceptions import ProjectNotFound
from collective.psc.metadata import plone_compatibility
from collective.psc.services import archives
from collective.psc.services import base
from collective.psc.services import centers
from collective.psc.services import distributions
from collective.psc.services import maintainers
from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.storage import get_storage
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel

import hashlib
import io
import pytest
import zipfile


def upload(center, path, **kwargs):
    with open(path, "rb") as stream:
        return archives.add_archive(
            center=center, filename=path.name, stream=stream, **kwargs
        )


@pytest.fixture
def wheel(tmp_path):
    return build_wheel(tmp_path, "Foo_Bar", "1.0", requires_python=">=3.10")


def actions(center):
    return [
        (entry.action, entry.project, entry.filename)
        for entry in center.journal.entries()
    ]


class TestProjects:
    @pytest.mark.parametrize("spelling", ["Foo_Bar", "foo.bar", "foo-bar", "FOO__bar"])
    def test_every_spelling_finds_one_project(self, center, spelling):
        project, created = projects.get_or_create_project(center=center, name="Foo.Bar")
        assert created
        assert project.getId() == "foo-bar"
        assert project.display_name == "Foo.Bar"
        assert aq_base(projects.find_project(center=center, name=spelling)) is aq_base(
            project
        )
        again, created = projects.get_or_create_project(center=center, name=spelling)
        assert aq_base(again) is aq_base(project)
        assert not created
        assert list(center.objectIds()) == ["foo-bar"]

    @pytest.mark.parametrize(
        ("title", "shown"),
        [("Foo.Bar", "Foo.Bar"), ("<b>Foo</b>", "foo-bar"), ("", "foo-bar")],
    )
    def test_display_name_is_a_spelling_of_the_name(self, center, title, shown):
        project, _created = projects.get_or_create_project(
            center=center, name="Foo.Bar"
        )
        project.title = title
        assert project.display_name == shown

    @pytest.mark.parametrize("name", ["simple", "Packages", "pypi", "links", "legacy"])
    def test_names_of_index_urls_are_reserved(self, center, name):
        from collective.psc.exceptions import InvalidName

        with pytest.raises(InvalidName, match="is reserved"):
            projects.get_or_create_project(center=center, name=name)
        assert list(center.objectIds()) == []

    def test_creator_is_owner(self, center):
        project, _ = projects.get_or_create_project(center=center, name="demo")
        assert "Owner" in project.get_local_roles_for_userid(base.current_user_id())

    def test_missing_project(self, center):
        with pytest.raises(ProjectNotFound, match="no project 'nope'"):
            projects.get_project(center=center, name="nope")

    def test_update_only_changed_fields(self, center):
        project, _ = projects.get_or_create_project(center=center, name="demo")
        assert projects.update_project(project=project, fields={"license": "MIT"})
        assert project.license == "MIT"
        assert not projects.update_project(project=project, fields={"license": "MIT"})
        assert [entry.action for entry in center.journal.entries()] == [
            journal.CREATE_PROJECT,
            journal.UPDATE_PROJECT,
        ]


class TestReleases:
    @pytest.mark.parametrize(
        "first,second", [("1.0", "1.0.0"), ("1.0", "1"), ("2.0rc1", "2.0.0-RC1")]
    )
    def test_equal_versions_are_one_release(self, center, first, second):
        project, _ = projects.get_or_create_project(center=center, name="demo")
        release, created = releases.get_or_create_release(
            project=project, version=first
        )
        assert created
        same, created = releases.get_or_create_release(project=project, version=second)
        assert aq_base(same) is aq_base(release)
        assert not created

    def test_releases_sort_by_version_not_string(self, center):
        project, _ = projects.get_or_create_project(center=center, name="demo")
        for version in ["1.9", "1.10", "1.10rc1", "1.10.dev1", "1.10.post1", "0.9"]:
            releases.get_or_create_release(project=project, version=version)
        assert [release.version for release in project.releases()] == [
            "1.10.post1",
            "1.10",
            "1.10rc1",
            "1.10.dev1",
            "1.9",
            "0.9",
        ]

    @pytest.mark.parametrize(
        "version,maturity",
        [
            ("1.0.dev3", "dev"),
            ("1.0a1", "alpha"),
            ("1.0b2", "beta"),
            ("1.0rc1", "rc"),
            ("1.0", "final"),
            ("1.0.post1", "final"),
            ("1.0.post1.dev2", "dev"),
        ],
    )
    def test_maturity_from_version(self, center, version, maturity):
        project, _ = projects.get_or_create_project(center=center, name="demo")
        release, _ = releases.get_or_create_release(project=project, version=version)
        assert release.maturity == maturity

    def test_local_version_release_id(self, center):
        project, _ = projects.get_or_create_project(center=center, name="demo")
        release, _ = releases.get_or_create_release(
            project=project, version="1.0+abc.5"
        )
        assert release.getId() == "1_abc.5"
        assert release.version == "1.0+abc.5"


class TestAddDistribution:
    def test_wheel_creates_project_release_and_file(self, center, wheel):
        data = wheel.read_bytes()
        item = upload(center, wheel)
        project = center["foo-bar"]
        release = project["1"]
        assert aq_base(item.aq_parent) is aq_base(release)
        assert item.filename == wheel.name
        assert item.package_type == "bdist_wheel"
        assert item.python_tag == "py3"
        assert item.size == len(data)
        assert item.sha256 == hashlib.sha256(data).hexdigest()
        assert item.blake2_256 == hashlib.blake2b(data, digest_size=32).hexdigest()
        assert item.md5 == hashlib.md5(data).hexdigest()
        assert item.requires_python == ">=3.10"
        assert item.upload_time is not None
        assert item.storage == "blob"
        assert release.release_date == item.upload_time
        with archives.open_archive(item) as archive:
            assert archive.read() == data

    def test_core_metadata_is_kept_byte_for_byte(self, center, wheel):
        item = upload(center, wheel)
        with zipfile.ZipFile(wheel) as zipped:
            expected = zipped.read("foo_bar-1.0.dist-info/METADATA")
        assert item.core_metadata == expected
        assert item.core_metadata_sha256 == hashlib.sha256(expected).hexdigest()
        assert item.metadata_fields["name"] == "Foo_Bar"

    def test_sdist_and_wheel_share_the_release(self, center, tmp_path, wheel):
        sdist = build_sdist(tmp_path, "foo-bar", "1.0.0")
        upload(center, wheel)
        upload(center, sdist)
        project = projects.get_project(center=center, name="Foo.Bar")
        files = [item for release in project.releases() for item in release.files()]
        assert sorted(item.filename for item in files) == sorted(
            [wheel.name, sdist.name]
        )
        assert {item.package_type for item in files} == {"sdist", "bdist_wheel"}
        assert list(center["foo-bar"].objectIds()) == ["1"]

    def test_journal_records_each_step(self, center, wheel):
        upload(center, wheel)
        assert actions(center) == [
            (journal.CREATE_PROJECT, "foo-bar", ""),
            (journal.CREATE_RELEASE, "foo-bar", ""),
            (journal.ADD_FILE, "foo-bar", wheel.name),
        ]
        assert [entry.serial for entry in center.journal.entries()] == [1, 2, 3]
        assert center["foo-bar"].last_serial() == 3

    def test_identical_file_again_is_a_duplicate(self, center, wheel):
        upload(center, wheel)
        with pytest.raises(DuplicateFile, match="File already exists"):
            upload(center, wheel)

    def test_same_name_other_bytes_is_refused(self, center, tmp_path, wheel):
        upload(center, wheel)
        other = build_wheel(tmp_path / "other", "Foo_Bar", "1.0", summary="changed")
        assert other.name == wheel.name
        with pytest.raises(FileExists, match="never reused"):
            upload(center, other)

    def test_deleted_filename_is_not_reused(self, center, wheel):
        upload(center, wheel)
        distributions.delete_file(
            distribution=distributions.get_file(center=center, filename=wheel.name)
        )
        with pytest.raises(FileExists):
            upload(center, wheel)

    def test_digests_are_checked(self, center, wheel):
        with pytest.raises(DigestMismatch, match="sha256"):
            upload(center, wheel, digests={"sha256": "0" * 64})
        data = wheel.read_bytes()
        item = upload(
            center,
            wheel,
            digests={
                "sha256": hashlib.sha256(data).hexdigest().upper(),
                "md5": hashlib.md5(data).hexdigest(),
            },
        )
        assert item.sha256 == hashlib.sha256(data).hexdigest()

    def test_size_limit(self, center, wheel):
        with pytest.raises(FileTooLarge, match="limit"):
            upload(center, wheel, max_size=wheel.stat().st_size - 1)
        assert "foo-bar" not in center

    def test_refused_file_creates_nothing(self, center):
        with pytest.raises(InvalidFilename):
            archives.add_archive(
                center=center, filename="foo-1.0.exe", stream=io.BytesIO(b"MZ")
            )
        assert list(center.objectIds()) == []
        assert center.journal.last_serial == 0

    def test_archive_without_metadata_is_stored(self, center, tmp_path):
        path = build_wheel(tmp_path, "bare", "0.1", with_metadata=False)
        item = upload(center, path)
        assert item.core_metadata is None
        assert item.requires_python is None


class TestYankAndDelete:
    def test_yank_release_and_unyank(self, center, tmp_path, wheel):
        upload(center, wheel)
        upload(center, build_sdist(tmp_path, "foo_bar", "1.0"))
        yanked = releases.yank(
            release=releases.get_release(
                project=projects.get_project(center=center, name="foo_bar"),
                version="1.0.0",
            ),
            reason="broken",
        )
        assert len(yanked) == 2
        release = center["foo-bar"]["1"]
        assert release.yanked
        assert {item.yanked_reason for item in release.files()} == {"broken"}
        releases.unyank(
            release=releases.get_release(
                project=projects.get_project(center=center, name="foo-bar"),
                version="1.0",
            )
        )
        assert not release.yanked
        assert {item.yanked_reason for item in release.files()} == {None}
        assert [entry.action for entry in center.journal.entries()][-2:] == [
            journal.YANK,
            journal.UNYANK,
        ]

    def test_yank_one_file(self, center, tmp_path, wheel):
        upload(center, wheel)
        upload(center, build_sdist(tmp_path, "foo_bar", "1.0"))
        releases.yank(
            release=releases.get_release(
                project=projects.get_project(center=center, name="foo-bar"),
                version="1.0",
            ),
            filename=wheel.name,
            reason="x",
        )
        release = center["foo-bar"]["1"]
        assert [item.yanked for item in release.files()].count(True) == 1
        assert not release.yanked
        with pytest.raises(FileNotFound):
            releases.yank(
                release=releases.get_release(
                    project=projects.get_project(center=center, name="foo-bar"),
                    version="1.0",
                ),
                filename="nope",
            )

    def test_delete_file_release_project(self, center, tmp_path, wheel):
        upload(center, wheel)
        upload(center, build_wheel(tmp_path, "foo_bar", "2.0"))
        item = distributions.get_file(center=center, filename=wheel.name)
        storage = get_storage(item.storage)
        distributions.delete_file(
            distribution=distributions.get_file(center=center, filename=wheel.name)
        )
        assert not storage.exists(item, center=center)
        assert distributions.find_file(center=center, filename=wheel.name) is None
        releases.delete_release(
            release=releases.get_release(
                project=projects.get_project(center=center, name="foo-bar"), version="2"
            )
        )
        assert list(center["foo-bar"].objectIds()) == ["1"]
        projects.delete_project(
            project=projects.get_project(center=center, name="Foo_Bar")
        )
        assert "foo-bar" not in center
        assert [entry.action for entry in center.journal.entries()][-3:] == [
            journal.REMOVE_FILE,
            journal.REMOVE_RELEASE,
            journal.REMOVE_PROJECT,
        ]

    def test_deleted_project_keeps_its_serial(self, center, wheel):
        upload(center, wheel)
        projects.delete_project(
            project=projects.get_project(center=center, name="foo-bar")
        )
        assert center.journal.project_serial("foo-bar") == center.journal.last_serial


def test_center_stats(portal, center, tmp_path, wheel):
    upload(center, wheel)
    upload(center, build_wheel(tmp_path, "other", "3.0"))
    stats = centers.center_stats(center=center)
    assert stats.projects == 2
    assert stats.files == 2
    assert stats.last_serial == center.journal.last_serial
    assert [found.getId() for found in centers.find_centers(site=portal)] == ["pypi"]


class TestMaintainers:
    def test_owner_adds_and_removes(self, center, wheel):
        from collective.psc.exceptions import Forbidden
        from collective.psc.exceptions import UserNotFound
        from plone import api

        for name in ("alice", "bob"):
            api.user.create(
                email=f"{name}@example.org", username=name, password="x" * 9
            )
        with api.env.adopt_user(username="alice"):
            upload(center, wheel)
            project = center["foo-bar"]
            maintainers.add_maintainer(project=project, user_id="bob")
            with pytest.raises(UserNotFound):
                maintainers.add_maintainer(project=project, user_id="nobody")
        assert maintainers.list_maintainers(project=project) == {
            "alice": ["Owner"],
            "bob": ["Maintainer"],
        }
        with api.env.adopt_user(username="bob"), pytest.raises(Forbidden):
            maintainers.remove_maintainer(project=project, user_id="alice")
        maintainers.remove_maintainer(project=project, user_id="bob")
        assert maintainers.list_maintainers(project=project) == {"alice": ["Owner"]}


@pytest.mark.parametrize(
    "classifiers,expected",
    [
        (["Framework :: Plone :: 6.1", "Framework :: Plone :: 5.2"], ["5.2", "6.1"]),
        (["Framework :: Plone :: 6.10", "Framework :: Plone :: 6.9"], ["6.9", "6.10"]),
        (["Framework :: Plone", "Framework :: Plone :: Addon"], []),
        (["Framework :: Zope :: 5", "Framework :: Django :: 5.0"], []),
    ],
)
def test_plone_compatibility(classifiers, expected):
    assert plone_compatibility(classifiers) == expected


def test_newest_final_release_speaks_for_the_project(center, tmp_path):
    from packaging.metadata import Metadata

    project, _ = projects.get_or_create_project(center=center, name="demo")
    for version, summary in (("1.0", "one"), ("2.0b1", "beta"), ("1.5", "final")):
        release, _ = releases.get_or_create_release(project=project, version=version)
        metadata = Metadata.from_raw(
            {
                "metadata_version": "2.4",
                "name": "Demo",
                "version": version,
                "summary": summary,
            }
        )
        releases.apply_release_metadata(
            release=release, metadata=metadata, description_html=None
        )
    assert project.description == "final"
    assert project["2b1"].description == "beta"
