"""Write the data of a release feed as Atom (RFC 4287) or RSS 2.0."""

from datetime import datetime
from datetime import UTC
from email.utils import format_datetime
from xml.etree import ElementTree

import html


ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"


def rfc3339(moment: datetime) -> str:
    """Return a time as Atom writes it: RFC 3339 in UTC."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def rfc822(moment: datetime) -> str:
    """Return a time as RSS and HTTP write it: RFC 822 (5322) in GMT."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def render_atom(feed: dict, *, self_url: str) -> bytes:
    """Return a feed as an Atom document."""
    root = ElementTree.Element("feed", xmlns=ATOM_NAMESPACE)
    _text(root, "id", self_url)
    _text(root, "title", feed["title"])
    if feed["subtitle"]:
        _text(root, "subtitle", feed["subtitle"])
    _text(root, "updated", rfc3339(feed["updated"]))
    ElementTree.SubElement(root, "link", rel="self", href=self_url, type=ATOM_TYPE)
    ElementTree.SubElement(root, "link", rel="alternate", href=feed["url"])
    author = ElementTree.SubElement(root, "author")
    _text(author, "name", feed["author"])
    for item in feed["entries"]:
        entry = ElementTree.SubElement(root, "entry")
        _text(entry, "id", item["id"])
        _text(entry, "title", item["title"])
        _text(entry, "updated", rfc3339(item["published"]))
        _text(entry, "published", rfc3339(item["published"]))
        ElementTree.SubElement(entry, "link", rel="alternate", href=item["url"])
        if item["summary"]:
            _text(entry, "summary", item["summary"])
    return _serialize(root)


def render_rss(feed: dict, *, self_url: str) -> bytes:
    """Return a feed as an RSS 2.0 document."""
    root = ElementTree.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NAMESPACE})
    channel = ElementTree.SubElement(root, "channel")
    _text(channel, "title", feed["title"])
    _text(channel, "link", feed["url"])
    _text(channel, "description", feed["subtitle"] or feed["title"])
    _text(channel, "lastBuildDate", rfc822(feed["updated"]))
    ElementTree.SubElement(
        channel, "atom:link", rel="self", href=self_url, type=RSS_TYPE
    )
    for item in feed["entries"]:
        element = ElementTree.SubElement(channel, "item")
        _text(element, "title", item["title"])
        _text(element, "link", item["url"])
        # RSS readers take a description as HTML: escape the plain summary.
        _text(element, "description", html.escape(item["summary"]))
        ElementTree.SubElement(element, "guid", isPermaLink="true").text = item["id"]
        _text(element, "pubDate", rfc822(item["published"]))
    return _serialize(root)


def _text(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text


def _serialize(root: ElementTree.Element) -> bytes:
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
