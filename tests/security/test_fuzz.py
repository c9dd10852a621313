"""A seeded corpus of malformed requests: no 5xx, and nothing stored.

At least 1,000 requests against a real WSGI server with a center holding one
project: multipart bodies with missing, repeated or garbled boundaries, bad
encodings, odd field names and filenames, cut parts; odd Range, If-None-Match,
Accept and Content-Length headers; every method; odd query strings; on the
upload URL and every index route. Afterwards the journal, the content and the
stored filenames are as before.
"""

from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_fields
from tests.fixtures.served import fresh

import http.client
import pytest
import random
import urllib.parse


pytestmark = pytest.mark.functional

SEED = 20261205
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"]
ODD_TEXT = [
    "",
    "\x00",
    "é",
    "\udcff",
    "a" * 5000,
    "../../etc/passwd",
    "<script>",
    "%",
    "%ff",
    "(",
    '"',
    "*",
    "UNKNOWN",
    "1" * 300,
    " ",
    "\r\n",
]
BOUNDARIES = [b"b0und4ry", b"", b"x" * 80, b"\xff\xfe", b"a b", b'"q"']


def state(center):
    center = fresh(center)
    return (
        center.journal.last_serial,
        sorted(center.objectIds()),
        sorted(center.filenames.keys()),
    )


def garble_multipart(rng, fields, archive):
    boundary = rng.choice(BOUNDARIES)
    declared = rng.choice([boundary, b"other", b"", None])
    parts = []
    for key, value in fields:
        if rng.random() < 0.15:
            key = rng.choice(ODD_TEXT) or key
        if rng.random() < 0.2:
            value = rng.choice(ODD_TEXT)
        parts.append(
            b"--"
            + boundary
            + b'\r\nContent-Disposition: form-data; name="'
            + key.encode("utf-8", "surrogateescape")
            + b'"\r\n\r\n'
            + value.encode("utf-8", "surrogateescape")
        )
    filename = rng.choice(
        [b"demo_pkg-9.0-py3-none-any.whl", b"\xff.whl", b"../x.whl", b"", b"a\x00.whl"]
    )
    body = archive
    if rng.random() < 0.5:
        body = body[: rng.randrange(len(body))]
    parts.append(
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="content"; filename="'
        + filename
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + body
    )
    data = b"\r\n".join(parts)
    if rng.random() < 0.7:
        data += b"\r\n--" + boundary + b"--\r\n"
    if rng.random() < 0.2:
        data = data[: rng.randrange(len(data) + 1)]
    content_type = "multipart/form-data"
    if declared is not None:
        content_type += "; boundary=" + declared.decode("latin-1")
    if rng.random() < 0.1:
        content_type = rng.choice(
            ["text/plain", "application/x-www-form-urlencoded", "multipart/mixed", ""]
        )
    return data, content_type


def odd_headers(rng):
    headers = {}
    if rng.random() < 0.4:
        headers["Range"] = rng.choice(
            [
                "bytes=1_0-2_0",
                "bytes=-0",
                "bytes=5-1",
                "bytes=0-0,1-1",
                "bytes=",
                "items=0-1",
                "bytes=99999999999999999999-",
                "bytes=\u0661-2",
            ]
        )
    if rng.random() < 0.4:
        headers["If-None-Match"] = rng.choice(['"', "*", 'W/"x", "y"', ",,,", "é"])
    if rng.random() < 0.4:
        headers["Accept"] = rng.choice(
            [
                "application/vnd.pypi.simple.v1+json;q=nan",
                "*/*;q=2",
                ";;;",
                "é/é",
                "text/html;q=-1",
                "application/json;q=0.0_5",
            ]
        )
    return headers


def send(connection, method, path, body=b"", headers=None):
    headers = dict(headers or {})
    encoded = {}
    for key, value in headers.items():
        encoded[key] = value.encode("utf-8", "surrogateescape").decode("latin-1")
    connection.request(method, path, body=body or None, headers=encoded)
    answer = connection.getresponse()
    answer.read()
    return answer.status


def test_fuzz_corpus(served_center, client, tmp_path):
    rng = random.Random(SEED)
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    assert client.upload(wheel).status == 200
    archive = build_wheel(tmp_path / "b", "demo-pkg", "9.0").read_bytes()
    fields = twine_fields(wheel)
    parsed = urllib.parse.urlsplit(served_center.absolute_url())
    base = parsed.path
    routes = [
        "/legacy/",
        "/simple/",
        "/simple/demo-pkg/",
        "/simple/Demo.Pkg",
        "/links/",
        "/pypi/demo-pkg/json",
        "/pypi/demo-pkg/1.0/json",
        "/packages/",
        "/@@releases.atom",
        "/demo-pkg/@@releases.rss",
        "",
    ]
    before = state(served_center)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    failures = []
    count = 0
    for number in range(1100):
        method = rng.choice(METHODS)
        route = rng.choice(routes)
        query = ""
        if rng.random() < 0.3:
            query = (
                "?"
                + urllib.parse.quote(
                    rng.choice(["q", "plone", "sort", "b_start", "b_size", ":action"])
                )
                + "="
                + urllib.parse.quote(
                    rng.choice(ODD_TEXT), safe="", errors="surrogateescape"
                )
            )
        headers = odd_headers(rng)
        body = b""
        if method in ("POST", "PUT", "PATCH") and rng.random() < 0.8:
            body, headers["Content-Type"] = garble_multipart(rng, fields, archive)
        if body and rng.random() < 0.05:
            headers["Content-Length"] = str(max(len(body) - 10, 0))
            body = body[: max(len(body) - 10, 0)]
        if rng.random() < 0.3:
            headers["Authorization"] = "Basic " + rng.choice(
                [
                    "YWRtaW46c2VjcmV0",
                    "!!!",
                    "X19fdG9rZW5fXzpwc2MtMTIzNDU2Nzg5MGFi.eA==",
                    "",
                ]
            )
        try:
            status = send(connection, method, base + route + query, body, headers)
        except (http.client.HTTPException, ConnectionError):
            connection.close()
            connection = http.client.HTTPConnection(
                parsed.hostname, parsed.port, timeout=30
            )
            continue
        count += 1
        if status >= 500:
            failures.append((number, method, route + query, status))
    connection.close()
    assert count >= 1000
    assert failures == []
    assert state(served_center) == before
