"""One definition of the latest release, for every page and API (PyPI's)."""

from collective.psc.services.releases import latest_release
from packaging.version import Version
from types import SimpleNamespace

import pytest


def release(version, *, files=1, yanked=False):
    """Return a release; yanked means it has files and all of them are yanked."""
    return SimpleNamespace(
        version=version,
        parsed_version=Version(version),
        yanked=yanked and files > 0,
        files=lambda: ["file"] * files,
    )


def project(*releases):
    """Return a project whose releases come newest first, as Project.releases()."""
    ordered = sorted(releases, key=lambda item: item.parsed_version, reverse=True)
    return SimpleNamespace(releases=lambda: ordered)


@pytest.mark.parametrize(
    "releases,expected",
    [
        ([release("1.0"), release("2.0")], "2.0"),
        ([release("1.0"), release("2.0b1")], "1.0"),
        ([release("1.0.0"), release("1.0.1", yanked=True)], "1.0.0"),
        ([release("1.0", yanked=True), release("2.0b1")], "2.0b1"),
        ([release("1.0b1"), release("1.0b2", yanked=True)], "1.0b1"),
        ([release("1.0b1"), release("1.0rc1")], "1.0rc1"),
        ([release("1.0", yanked=True), release("2.0", yanked=True)], "2.0"),
        ([release("1.0"), release("2.0", files=0)], "2.0"),
        ([release("1.0", files=0)], "1.0"),
    ],
)
def test_newest_final_then_newest_prerelease_then_newest(releases, expected):
    assert latest_release(project=project(*releases)).version == expected


def test_a_project_without_releases_has_none():
    assert latest_release(project=project()) is None
