"""The pure parts of the JSON API data: URL labels, yank reasons."""

from collective.psc.jsonapi.data import project_urls
from collective.psc.jsonapi.data import yanked_reason
from types import SimpleNamespace

import pytest


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
