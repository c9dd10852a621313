"""Reading downloads out of access log lines and files: pure functions, as tables."""

from collective.psc.downloads.logs import downloaded_filename
from collective.psc.downloads.logs import log_identity
from collective.psc.downloads.logs import normalize_prefix
from collective.psc.downloads.logs import parse_line
from collective.psc.downloads.logs import read_batches
from collective.psc.downloads.logs import Request
from tests.fixtures.logs import AGENT
from tests.fixtures.logs import DIGEST
from tests.fixtures.logs import line
from tests.fixtures.logs import SDIST
from tests.fixtures.logs import WHEEL

import gzip
import pytest


PARSED = [
    (
        line(f"/packages/{DIGEST}/{WHEEL}"),
        Request("GET", f"/packages/{DIGEST}/{WHEEL}", 200),
    ),
    # common format: no referer and user agent
    (
        line(f"/packages/{DIGEST}/{SDIST}", tail=""),
        Request("GET", f"/packages/{DIGEST}/{SDIST}", 200),
    ),
    # IPv6 client, user name, size "-"
    (
        '::1 - alice [21/Mar/2026:10:00:00 +0000] "HEAD /x HTTP/1.1" 304 - "-" "-"',
        Request("HEAD", "/x", 304),
    ),
    # percent-encoded path, query string dropped
    (
        line("/a%20b/c%2Bd.whl?x=1"),
        Request("GET", "/a b/c+d.whl", 200),
    ),
    # the psc_range format: combined plus the Range header
    (
        line("/x", status=206, tail=f'{AGENT} "bytes=0-"'),
        Request("GET", "/x", 206, "bytes=0-"),
    ),
    (line("/x", tail=f'{AGENT} "-"'), Request("GET", "/x", 200)),
    # an absolute URL as request target (a proxy request)
    (line("http://example.org/x"), Request("GET", "/x", 200)),
    ("", None),
    ("not a log line", None),
    ('127.0.0.1 - - [21/Mar/2026:10:00:00 +0000] "-" 408 0 "-" "-"', None),
    (line("/x", status="2000"), None),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_line(text, expected):
    assert parse_line(text) == expected


PREFIXES = ["", "/Plone/pypi"]
COUNTED = [
    (line(f"/packages/{DIGEST}/{WHEEL}"), PREFIXES, WHEEL),
    (line(f"/packages/{DIGEST}/{SDIST}", tail=""), PREFIXES, SDIST),
    (line(f"/Plone/pypi/packages/{DIGEST}/{WHEEL}"), PREFIXES, WHEEL),
    (line(f"/pypi/packages/{DIGEST}/{WHEEL}"), PREFIXES, None),
    (line(f"/pypi/packages/{DIGEST}/{WHEEL}"), ["/pypi/"], WHEEL),
    (line(f"/pypi/packages/{DIGEST}/{WHEEL}"), ["pypi"], WHEEL),
    (line(f"/packages/{DIGEST}/{WHEEL}"), ["/pypi"], None),
    (line(f"/packages/{DIGEST}/{WHEEL}", client="2001:db8::7"), PREFIXES, WHEEL),
    (
        line(f"/packages/{DIGEST}/demo_pkg-1.0%2Blocal-py3-none-any.whl"),
        PREFIXES,
        "demo_pkg-1.0+local-py3-none-any.whl",
    ),
    (line(f"/packages/{DIGEST}/demo%20pkg-1.0.zip"), PREFIXES, "demo pkg-1.0.zip"),
    # not a download
    (line(f"/packages/{DIGEST}/{WHEEL}.metadata"), PREFIXES, None),
    (line(f"/packages/{DIGEST}/{WHEEL}", method="HEAD"), PREFIXES, None),
    (line(f"/packages/{DIGEST}/{WHEEL}", method="POST"), PREFIXES, None),
    (line(f"/packages/{DIGEST}/{WHEEL}", status=304), PREFIXES, None),
    (line(f"/packages/{DIGEST}/{WHEEL}", status=404), PREFIXES, None),
    (line(f"/packages/{DIGEST}/{WHEEL}", status=500), PREFIXES, None),
    # 206 counts only with a logged range that starts at byte 0
    (line(f"/packages/{DIGEST}/{WHEEL}", status=206), PREFIXES, None),
    (
        line(f"/packages/{DIGEST}/{WHEEL}", status=206, tail=f'{AGENT} "bytes=0-"'),
        PREFIXES,
        WHEEL,
    ),
    (
        line(f"/packages/{DIGEST}/{WHEEL}", status=206, tail=f'{AGENT} "bytes=0-99"'),
        PREFIXES,
        WHEEL,
    ),
    (
        line(f"/packages/{DIGEST}/{WHEEL}", status=206, tail=f'{AGENT} "bytes=100-"'),
        PREFIXES,
        None,
    ),
    (
        line(f"/packages/{DIGEST}/{WHEEL}", status=206, tail=f'{AGENT} "bytes=-500"'),
        PREFIXES,
        None,
    ),
    # not the layout of packages/: digest folders wrong, or not an archive
    (line(f"/packages/ab/cd/ef/{WHEEL}"), PREFIXES, None),
    (line(f"/packages/{DIGEST.upper()}/{WHEEL}"), PREFIXES, None),
    (line(f"/packages/{DIGEST}/sub/{WHEEL}"), PREFIXES, None),
    (line(f"/packages/{DIGEST}/demo_pkg-1.0.tar.gz.asc"), PREFIXES, None),
    (line(f"/packages/{DIGEST}/"), PREFIXES, None),
    (line("/simple/demo-pkg/"), PREFIXES, None),
]


@pytest.mark.parametrize(("text", "prefixes", "expected"), COUNTED)
def test_downloaded_filename(text, prefixes, expected):
    assert downloaded_filename(parse_line(text), prefixes=prefixes) == expected


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("", ""), ("/", ""), ("pypi", "/pypi"), ("/pypi/", "/pypi"), ("/a/b", "/a/b")],
)
def test_normalize_prefix(prefix, expected):
    assert normalize_prefix(prefix) == expected


def test_rotated_and_gzipped_log_keeps_its_identity_and_offsets(tmp_path):
    lines = [f"line {n}\n".encode() for n in range(5)]
    plain = tmp_path / "access.log"
    plain.write_bytes(b"".join(lines))
    rotated = tmp_path / "access.log.2.gz"
    with gzip.open(rotated, "wb") as stream:
        stream.write(b"".join(lines))
    assert log_identity(plain) == log_identity(rotated)
    offset = len(lines[0]) + len(lines[1])
    for path in (plain, rotated):
        assert list(read_batches(path, offset=offset, lines=2)) == [
            (["line 2\n", "line 3\n"], offset + 14),
            (["line 4\n"], offset + 21),
        ]


def test_a_new_log_has_another_identity(tmp_path):
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_bytes(b"line 0\nline 1\n")
    second.write_bytes(b"line 2\nline 1\n")
    assert log_identity(first) != log_identity(second)


def test_a_line_still_being_written_is_left_for_later(tmp_path):
    path = tmp_path / "access.log"
    path.write_bytes(b"one\ntwo\nthr")
    assert list(read_batches(path, offset=0, lines=10)) == [(["one\n", "two\n"], 8)]
    assert list(read_batches(path, offset=8, lines=10)) == []
    partial = tmp_path / "partial.log"
    partial.write_bytes(b"no newline yet")
    assert log_identity(partial) is None


def test_undecodable_bytes_do_not_stop_the_import(tmp_path):
    path = tmp_path / "access.log"
    path.write_bytes(b"caf\xe9\nok\n")
    assert list(read_batches(path, offset=0, lines=10)) == [
        (["caf\ufffd\n", "ok\n"], 8)
    ]
