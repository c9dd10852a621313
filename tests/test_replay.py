"""The replay filter: anonymous index answers given again while nothing changed.

The layer's WSGI server runs Zope behind ``ReplayFilter`` as ``psc init``'s
pipeline does; a replayed answer carries ``X-PSC-Cache: hit``.
"""

from collections.abc import Callable
from collective.psc.replay import answer_store
from collective.psc.replay import Kept
from collective.psc.replay import request_key
from collective.psc.replay import SharedRound
from collective.psc.replay import SharedRoundFailed
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh
from tests.fixtures.served import make_private

import hashlib
import math
import pytest
import requests
import threading
import time
import transaction


JSON = "application/vnd.pypi.simple.v1+json"
PIP_ACCEPT = f"{JSON}, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
HIT = "X-PSC-Cache"
#: Headers the WSGI server writes itself, or the filter adds.
OWN_HEADERS = {"date", "server", HIT.lower()}


def get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def until_replayed(
    url: str, **headers: str
) -> tuple[requests.Response, requests.Response]:
    """Ask until the filter replays; return Zope's last answer and the replay."""
    asked = None
    for _ in range(4):
        answer = get(url, **headers)
        if answer.headers.get(HIT) == "hit":
            assert asked is not None
            return asked, answer
        asked = answer
    raise AssertionError(f"{url} was never replayed")


def same_answer(zope: requests.Response, replay: requests.Response) -> None:
    assert replay.status_code == zope.status_code
    assert replay.content == zope.content

    def kept(answer):
        return {
            k.lower(): v
            for k, v in answer.headers.items()
            if k.lower() not in OWN_HEADERS
        }

    assert kept(replay) == kept(zope)


@pytest.fixture
def uploaded(served_center, client, tmp_path):
    """Upload demo-pkg 1.0 (a wheel); return its path."""
    wheel = build_wheel(tmp_path / "a", "Demo.Pkg", "1.0")
    assert client.upload(wheel).status == 200
    return wheel


@pytest.mark.parametrize(
    "path,accept",
    [
        ("simple/", PIP_ACCEPT),
        ("simple/", "text/html"),
        ("simple/demo-pkg/", PIP_ACCEPT),
        ("simple/demo-pkg/", "text/html"),
        ("pypi/demo-pkg/json", "*/*"),
        ("links/", "*/*"),
        ("links/demo-pkg/", "*/*"),
    ],
)
def test_an_index_page_is_replayed_as_zope_answered_it(client, uploaded, path, accept):
    zope, replay = until_replayed(f"{client.center_url}/{path}", Accept=accept)
    same_answer(zope, replay)
    assert zope.headers.get(HIT) is None


def test_pages_are_replayed_per_accept_header(client, uploaded):
    url = f"{client.center_url}/simple/demo-pkg/"
    _, as_json = until_replayed(url, Accept=JSON)
    _, as_html = until_replayed(url, Accept="text/html")
    assert as_json.headers["Content-Type"] == JSON
    assert as_json.json()["name"] == "demo-pkg"
    assert as_html.headers["Content-Type"].startswith("text/html")
    assert "<a href=" in as_html.text


def test_an_archive_and_its_metadata_are_replayed(client, uploaded):
    page = get(f"{client.center_url}/simple/demo-pkg/", Accept=JSON).json()
    url = page["files"][0]["url"].split("#")[0]
    zope, replay = until_replayed(url)
    same_answer(zope, replay)
    assert (
        hashlib.sha256(replay.content).hexdigest()
        == page["files"][0]["hashes"]["sha256"]
    )
    zope, replay = until_replayed(f"{url}.metadata")
    same_answer(zope, replay)
    assert b"Name: Demo.Pkg" in replay.content
    # A range is Zope's to answer.
    ranged = get(url, Range="bytes=0-9")
    assert ranged.status_code == 206
    assert ranged.headers.get(HIT) is None
    assert ranged.content == uploaded.read_bytes()[:10]


def test_head_and_if_none_match_are_answered_from_a_replay(client, uploaded):
    url = f"{client.center_url}/simple/demo-pkg/"
    zope, _ = until_replayed(url, Accept=JSON)
    head = requests.head(url, headers={"Accept": JSON}, timeout=30)
    assert head.headers.get(HIT) == "hit"
    assert head.content == b""
    assert head.headers["Content-Length"] == zope.headers["Content-Length"]
    revalidated = get(url, Accept=JSON, **{"If-None-Match": zope.headers["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated.headers.get(HIT) == "hit"
    assert revalidated.headers["ETag"] == zope.headers["ETag"]
    assert revalidated.content == b""
    other = get(url, Accept=JSON, **{"If-None-Match": '"other"'})
    assert other.status_code == 200
    assert other.content == zope.content


def test_a_commit_makes_every_replayed_answer_stale(client, uploaded, tmp_path):
    url = f"{client.center_url}/simple/demo-pkg/"
    before, _ = until_replayed(url, Accept=JSON)
    wheel = build_wheel(tmp_path / "b", "Demo.Pkg", "2.0")
    assert client.upload(wheel).status == 200
    after = get(url, Accept=JSON)
    assert after.headers.get(HIT) is None
    assert wheel.name in {entry["filename"] for entry in after.json()["files"]}
    assert after.headers["X-PyPI-Last-Serial"] != before.headers["X-PyPI-Last-Serial"]
    # Zope's answer after the commit is kept at once.
    replay = get(url, Accept=JSON)
    assert replay.headers.get(HIT) == "hit"
    same_answer(after, replay)


def test_a_center_made_private_is_not_replayed_to_anonymous(
    served_center, client, uploaded
):
    urls = [
        f"{client.center_url}/simple/demo-pkg/",
        f"{client.center_url}/pypi/demo-pkg/json",
    ]
    for url in urls:
        until_replayed(url)
    make_private(served_center)
    for url in urls:
        for _ in range(3):
            refused = get(url)
            assert refused.status_code == 401
            assert refused.headers.get(HIT) is None


def test_a_yanked_release_shows_at_once(served_center, client, uploaded):
    from collective.psc.services import projects
    from collective.psc.services import releases

    url = f"{client.center_url}/pypi/demo-pkg/json"
    until_replayed(url)
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        project = projects.get_project(center=fresh(served_center), name="demo-pkg")
        releases.yank(
            release=releases.get_release(project=project, version="1.0"), reason="bad"
        )
    transaction.commit()
    answer = get(url)
    assert answer.headers.get(HIT) is None
    assert answer.json()["info"]["yanked"] is True


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": "__ac=whatever"},
        {"Authorization": "Basic YWxpY2U6YWxpY2Utc2VjcmV0"},
        {"If-Modified-Since": "Sat, 05 Dec 2026 00:00:00 GMT"},
    ],
    ids=["cookie", "basic", "if-modified-since"],
)
def test_requests_with_credentials_or_other_conditions_go_to_zope(
    client, uploaded, headers
):
    url = f"{client.center_url}/simple/demo-pkg/"
    zope, _ = until_replayed(url)
    for _ in range(3):
        answer = get(url, **headers)
        assert answer.status_code == 200
        assert answer.headers.get(HIT) is None
        assert answer.content == zope.content


def test_an_authenticated_answer_is_never_kept(client, uploaded):
    url = f"{client.center_url}/simple/demo-pkg/"
    for _ in range(4):
        answer = requests.get(url, auth=client.auth, timeout=30)
        assert answer.status_code == 200
        assert answer.headers.get(HIT) is None


def test_a_request_is_keyed_by_what_changes_its_answer():
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/plone/pypi/simple/",
        "HTTP_HOST": "a",
    }
    assert request_key(base) == request_key({**base, "REQUEST_METHOD": "HEAD"})
    assert request_key(base) == request_key({**base, "HTTP_USER_AGENT": "pip/25"})
    assert request_key(base) != request_key({**base, "HTTP_HOST": "b"})
    assert request_key(base) != request_key({**base, "HTTP_ACCEPT": JSON})
    assert request_key(base) != request_key({**base, "HTTP_X_FORWARDED_PROTO": "https"})
    assert request_key(base) != request_key({**base, "QUERY_STRING": "a=1"})
    assert request_key({**base, "REQUEST_METHOD": "POST"}) is None
    assert request_key({**base, "HTTP_COOKIE": "x=1"}) is None
    assert request_key({**base, "REMOTE_USER": "alice"}) is None
    assert request_key({**base, "HTTP_RANGE": "bytes=0-1"}) is None


def kept(size: int) -> Kept:
    return Kept(
        db=None,
        tid=b"",
        status="200 OK",
        headers=[],
        body=b"",
        path=None,
        until=math.inf,
        etag=None,
        size=size,
    )


def test_the_store_is_bounded_in_bytes_least_recently_used_out():
    store = answer_store(max_bytes=800)
    first, second, third = kept(90), kept(90), kept(90)
    store.put(("a",), first, first.size)
    store.put(("b",), second, second.size)
    assert store.get(("a",)) is first  # b is now the least recently used
    store.put(("c",), third, third.size)
    assert store.total == 270
    for key in "defghij":  # 900 bytes in all: b, then a, go
        store.put((key,), kept(90), 90)
    assert store.total == 720
    assert store.get(("b",)) is None
    assert store.get(("a",)) is None
    assert store.get(("c",)) is third
    store.put(("big",), kept(101), 101)  # over an eighth of the bound: not kept
    assert store.get(("big",)) is None
    store.discard(("c",), kept(90))  # not the answer kept: it stays
    assert store.get(("c",)) is third
    store.discard(("c",), third)
    assert store.get(("c",)) is None
    assert store.total == 630


def waiting(shared: SharedRound, count: int) -> None:
    """Wait until ``count`` callers wait on the round under way."""
    deadline = time.monotonic() + 10
    while len(shared._changed._waiters) < count:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the callers never came"
        time.sleep(0.005)


def came_during_a_round(
    shared: SharedRound, later: Callable[[], bytes], names: str
) -> tuple[list[str], dict[str, object]]:
    """Call ``later`` from ``names`` while caller "a"'s round is under way.

    Return the calls made, in order, and each caller's result or error.
    """
    release = threading.Event()
    calls: list[str] = []

    def first() -> bytes:
        calls.append("first")
        release.wait(10)
        return b"before"

    def counted() -> bytes:
        calls.append("later")
        return later()

    outcomes: dict[str, object] = {}

    def call(name: str, function: Callable[[], bytes]) -> None:
        try:
            outcomes[name] = shared(function)
        except Exception as error:  # noqa: BLE001 - each caller's failure is kept
            outcomes[name] = error

    threads = [threading.Thread(target=call, args=("a", first))]
    threads[0].start()
    while not calls:
        time.sleep(0.005)
    for name in names:
        threads.append(threading.Thread(target=call, args=(name, counted)))
        threads[-1].start()
    waiting(shared, len(names))
    release.set()
    for thread in threads:
        thread.join(10)
    return calls, outcomes


def test_callers_that_come_during_a_round_share_the_next_one():
    shared = SharedRound()
    calls, outcomes = came_during_a_round(shared, lambda: b"after", "bcd")
    # Those that came while "first" was under way never get its answer, and
    # one call made after it answers all three.
    assert outcomes == {"a": b"before", "b": b"after", "c": b"after", "d": b"after"}
    assert calls == ["first", "later"]
    # Alone, a caller makes its own call.
    assert shared(lambda: b"alone") == b"alone"


def test_a_failed_round_fails_for_its_sharers_and_does_not_stop_the_next():
    shared = SharedRound()

    def broken() -> bytes:
        raise ConnectionError("the database server went away")

    calls, outcomes = came_during_a_round(shared, broken, "bc")
    # One call failed for both that shared it: no second wait for the server.
    assert calls == ["first", "later"]
    assert outcomes["a"] == b"before"
    failures = [outcomes["b"], outcomes["c"]]
    assert all(isinstance(f, ConnectionError | SharedRoundFailed) for f in failures)
    assert any(isinstance(f, SharedRoundFailed) for f in failures)
    assert shared(lambda: b"next") == b"next"
