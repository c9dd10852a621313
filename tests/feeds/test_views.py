"""The feeds over a real WSGI server: documents, revalidation, private centers."""

from collective.psc.feeds.render import rfc822
from datetime import datetime
from datetime import UTC
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh
from tests.fixtures.served import make_private

import feedparser
import pytest
import requests


@pytest.fixture
def uploaded(served_center, client, tmp_path):
    """Upload Demo.Pkg 1.0 (wheel and sdist), then Other 0.1."""
    paths = [
        build_wheel(tmp_path, "Demo.Pkg", "1.0", summary="The demo."),
        build_sdist(tmp_path, "Demo.Pkg", "1.0", summary="The demo."),
        build_wheel(tmp_path, "Other", "0.1", summary="Another one."),
    ]
    for path in paths:
        assert client.upload(path).status == 200
    return paths


def get(url, **kwargs):
    return requests.get(url, allow_redirects=False, timeout=30, **kwargs)


def parse(answer):
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize(
    ("name", "media_type", "version"),
    [
        ("releases.atom", "application/atom+xml", "atom10"),
        ("releases.rss", "application/rss+xml", "rss20"),
    ],
)
def test_center_feed(client, uploaded, name, media_type, version):
    answer = get(f"{client.center_url}/@@{name}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    parsed = parse(answer)
    assert parsed.version == version
    assert [entry.title for entry in parsed.entries] == ["Other 0.1", "Demo.Pkg 1.0"]
    demo = parsed.entries[1]
    assert demo.link == f"{client.center_url}/demo-pkg/1"
    assert "The demo." in demo.summary
    assert parsed.feed.title == "New releases in Index"


def test_project_feed(client, uploaded, tmp_path):
    url = f"{client.center_url}/demo-pkg/@@releases.atom"
    first = parse(get(url))
    assert [entry.title for entry in first.entries] == ["Demo.Pkg 1.0"]
    assert client.upload(build_wheel(tmp_path / "2", "Demo.Pkg", "2.0")).status == 200
    second = parse(get(url))
    assert [entry.title for entry in second.entries] == [
        "Demo.Pkg 2.0",
        "Demo.Pkg 1.0",
    ]
    assert second.feed.title == "New releases of Demo.Pkg"
    assert second.feed.links[0].href == f"{client.center_url}/demo-pkg/@@releases.atom"


def test_etag_revalidation_follows_the_serial(
    served_center, client, uploaded, tmp_path
):
    url = f"{client.center_url}/@@releases.atom"
    answer = get(url)
    etag = answer.headers["ETag"]
    assert answer.headers["Cache-Control"] == "max-age=0, must-revalidate"
    same = get(url, headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.content == b""
    assert client.upload(build_wheel(tmp_path / "3", "Third", "1.0")).status == 200
    changed = get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert parse(changed).entries[0].title == "Third 1.0"


def test_last_modified_is_the_last_change(served_center, client, uploaded):
    url = f"{client.center_url}/@@releases.rss"
    answer = get(url)
    journal = fresh(served_center).journal
    last = next(journal.entries(since=journal.last_serial - 1)).time
    assert answer.headers["Last-Modified"] == rfc822(last)
    unchanged = get(url, headers={"If-Modified-Since": answer.headers["Last-Modified"]})
    assert unchanged.status_code == 304
    before = rfc822(datetime.fromtimestamp(last.timestamp() - 60, UTC))
    assert get(url, headers={"If-Modified-Since": before}).status_code == 200
    # A stale ETag wins over a matching date (RFC 9110, 13.1.3).
    both = get(
        url,
        headers={
            "If-None-Match": '"stale"',
            "If-Modified-Since": answer.headers["Last-Modified"],
        },
    )
    assert both.status_code == 200


def test_private_center_feeds_ask_for_credentials(served_center, client, uploaded):
    make_private(served_center)
    for url in (
        f"{client.center_url}/@@releases.atom",
        f"{client.center_url}/demo-pkg/@@releases.rss",
    ):
        anonymous = get(url)
        assert anonymous.status_code == 401
        assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="pypi"'
        assert b"Demo.Pkg" not in anonymous.content
        member = get(url, auth=("alice", "alice-secret"))
        assert member.status_code == 200
        assert "Demo.Pkg 1.0" in [entry.title for entry in parse(member).entries]


def test_an_empty_center_has_a_valid_feed(client, served_center):
    for name in ("releases.atom", "releases.rss"):
        answer = get(f"{client.center_url}/@@{name}")
        assert answer.status_code == 200
        assert parse(answer).entries == []
