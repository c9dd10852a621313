"""Reading upstream pages: both formats, bounded reads, credentials kept out of text."""

from collective.psc.simple import render
from collective.psc.upstream import client

import json
import pytest


PAGE_URL = "https://index.example/simple/demo/"
SHA = "a" * 64


def test_json_page_urls_are_made_absolute():
    page = {
        "meta": {"api-version": "1.1"},
        "name": "demo",
        "files": [
            {"filename": "demo-1.0.tar.gz", "url": "../../f/demo-1.0.tar.gz"},
            {"filename": "no-url.tar.gz"},
            "not an entry",
        ],
    }
    parsed = client.parse_page(
        json.dumps(page).encode(), content_type=client.JSON, url=PAGE_URL
    )
    assert parsed["files"] == [
        {
            "filename": "demo-1.0.tar.gz",
            "url": "https://index.example/f/demo-1.0.tar.gz",
        }
    ]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]"])
def test_json_that_is_no_page_is_refused(body):
    with pytest.raises(client.UpstreamError):
        client.parse_page(body, content_type=client.JSON, url=PAGE_URL)


def test_html_page_is_read_as_pep_691():
    page = {
        "meta": {"api-version": "1.1"},
        "name": "demo",
        "project-status": {"status": "active"},
        "files": [
            {
                "filename": "demo-1.0-py3-none-any.whl",
                "url": "../../f/demo-1.0-py3-none-any.whl",
                "hashes": {"sha256": SHA},
                "requires-python": ">=3.10",
                "yanked": "broken",
                "core-metadata": {"sha256": "b" * 64},
                "size": 1,
                "upload-time": None,
            }
        ],
    }
    html = render.project_html(page).encode()
    [entry] = client.parse_page(html, content_type="text/html", url=PAGE_URL)["files"]
    assert entry == {
        "filename": "demo-1.0-py3-none-any.whl",
        "url": "https://index.example/f/demo-1.0-py3-none-any.whl",
        "hashes": {"sha256": SHA},
        "requires-python": ">=3.10",
        "yanked": "broken",
        "core-metadata": {"sha256": "b" * 64},
    }


def test_html_without_hash_or_metadata():
    html = b'<a href="/f/demo-1.0.tar.gz" data-yanked="">demo-1.0.tar.gz</a>'
    [entry] = client.parse_page(html, content_type="text/html", url=PAGE_URL)["files"]
    assert entry["hashes"] == {}
    assert entry["yanked"] is True
    assert entry["core-metadata"] is False


def test_project_list_names_come_from_the_anchors():
    html = render.root_html(
        {"meta": {"api-version": "1.1"}, "projects": [{"name": "a"}, {"name": "b"}]}
    ).encode()
    parsed = client.parse_page(html, content_type="text/html", url=PAGE_URL)
    assert parsed["projects"] == [{"name": "a"}, {"name": "b"}]


def test_reads_are_bounded():
    assert client.read_bounded(iter([b"ab", b"cd"]), 4) == b"abcd"
    with pytest.raises(client.UpstreamError):
        client.read_bounded(iter([b"ab", b"cde"]), 4)


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://u:secret@index.example/simple/", "https://index.example/simple/"),
        ("https://u@index.example:8443/simple/", "https://index.example:8443/simple/"),
        ("https://index.example/simple/", "https://index.example/simple/"),
    ],
)
def test_credentials_never_reach_messages(url, public):
    assert client.public_url(url) == public


def test_unreachable_upstream_is_an_upstream_error():
    with pytest.raises(client.UpstreamError) as raised:
        client.fetch_page("http://u:secret@127.0.0.1:9/simple/demo/")
    assert "secret" not in str(raised.value)
