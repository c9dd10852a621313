"""The pure parts of the JSON API data: which release is the latest, URL labels."""

from collective.psc.jsonapi.data import latest_release
from collective.psc.jsonapi.data import project_urls
from collective.psc.jsonapi.data import yanked_reason
from packaging.version import Version
from types import SimpleNamespace

import pytest


def release(version, *, files=1, yanked=False):
    return SimpleNamespace(
        version=version,
        parsed_version=Version(version),
        yanked=yanked,
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
        ([release("1.0"), release("2.0", yanked=True)], "1.0"),
        ([release("1.0", yanked=True), release("2.0b1")], "2.0b1"),
        ([release("1.0", yanked=True), release("2.0", yanked=True)], "2.0"),
        ([release("1.0"), release("2.0", files=0)], "1.0"),
        ([release("1.0", files=0)], "1.0"),
    ],
)
def test_latest_release_prefers_files_then_unyanked_then_final(releases, expected):
    assert latest_release(project(*releases)).version == expected


def test_latest_release_of_a_project_without_releases_is_none():
    assert latest_release(project()) is None


def test_project_urls_put_homepage_and_download_first():
    fields = {
        "home_page": "https://example.org/",
        "download_url": "https://example.org/download",
        "project_urls": {"Source": "https://example.org/src"},
    }
    assert list(project_urls(fields).items()) == [
        ("Homepage", "https://example.org/"),
        ("Download", "https://example.org/download"),
        ("Source", "https://example.org/src"),
    ]
    assert project_urls({}) == {}


@pytest.mark.parametrize(
    "yanked,reason,expected",
    [
        (False, None, None),
        (False, "stale", None),
        (True, None, None),
        (True, "", None),
        (True, "Broken build.", "Broken build."),
    ],
)
def test_yanked_reason(yanked, reason, expected):
    distribution = SimpleNamespace(yanked=yanked, yanked_reason=reason)
    assert yanked_reason(distribution) == expected
