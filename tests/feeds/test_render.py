"""Atom and RSS documents of a feed, checked with feedparser and ElementTree."""

from collective.psc.feeds import render
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import UTC
from xml.etree import ElementTree

import feedparser
import html
import pytest


ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED = datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
FEED = {
    "title": "New releases in Index",
    "subtitle": "Our packages & <tools>",
    "url": "http://x/pypi",
    "author": "Index",
    "updated": PUBLISHED,
    "entries": [
        {
            "id": "http://x/pypi/demo/1",
            "title": "Demo 1.0",
            "project": "Demo",
            "version": "1.0",
            "summary": "Does <nothing> & well.",
            "url": "http://x/pypi/demo/1",
            "published": PUBLISHED,
        }
    ],
}


@pytest.mark.parametrize(
    ("moment", "rfc3339", "rfc822"),
    [
        (PUBLISHED, "2025-03-04T05:06:07Z", "Tue, 04 Mar 2025 05:06:07 GMT"),
        (
            datetime(2025, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))),
            "2024-12-31T23:00:00Z",
            "Tue, 31 Dec 2024 23:00:00 GMT",
        ),
    ],
)
def test_times(moment, rfc3339, rfc822):
    assert render.rfc3339(moment) == rfc3339
    assert render.rfc822(moment) == rfc822


def test_atom_has_the_required_elements():
    document = render.render_atom(FEED, self_url="http://x/pypi/@@releases.atom")
    root = ElementTree.fromstring(document)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text == "http://x/pypi/demo/1"
    assert entry.find(f"{ATOM}updated").text == "2025-03-04T05:06:07Z"
    assert entry.find(f"{ATOM}summary").text == "Does <nothing> & well."
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://x/pypi/@@releases.atom"


def test_atom_reads_back_with_feedparser():
    parsed = feedparser.parse(
        render.render_atom(FEED, self_url="http://x/pypi/@@releases.atom")
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "New releases in Index"
    assert parsed.feed.subtitle == "Our packages & <tools>"
    (entry,) = parsed.entries
    assert entry.title == "Demo 1.0"
    assert entry.link == "http://x/pypi/demo/1"
    assert entry.published_parsed[:6] == (2025, 3, 4, 5, 6, 7)


def test_rss_reads_back_with_feedparser():
    parsed = feedparser.parse(
        render.render_rss(FEED, self_url="http://x/pypi/@@releases.rss")
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.link == "http://x/pypi"
    (entry,) = parsed.entries
    assert entry.id == "http://x/pypi/demo/1"
    # An RSS description is HTML: the plain summary arrives escaped.
    assert entry.summary_detail.type == "text/html"
    assert html.unescape(entry.summary) == "Does <nothing> & well."
    assert entry.published_parsed[:6] == (2025, 3, 4, 5, 6, 7)


def test_rss_has_the_required_elements():
    root = ElementTree.fromstring(render.render_rss(FEED, self_url="http://x/r"))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for tag in ("title", "link", "description"):
        assert channel.find(tag).text, tag
    item = channel.find("item")
    assert item.find("pubDate").text == "Tue, 04 Mar 2025 05:06:07 GMT"
    assert item.find("guid").get("isPermaLink") == "true"


def test_an_empty_feed_is_valid():
    empty = {**FEED, "subtitle": "", "entries": []}
    for document in (
        render.render_atom(empty, self_url="http://x/a"),
        render.render_rss(empty, self_url="http://x/r"),
    ):
        parsed = feedparser.parse(document)
        assert not parsed.bozo
        assert parsed.entries == []
