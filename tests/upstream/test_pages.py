"""The find-links page, the JSON API and the pages of upstream projects."""

from collective.psc.simple import data
from collective.psc.upstream.cache import PAGES
from collective.psc.upstream.cache import UNREACHABLE
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from tests.fixtures.builder import build_wheel
from tests.fixtures.upstream import configure
from tests.fixtures.upstream import requested
from urllib.parse import urljoin

import pytest
import requests
import threading
import time


pytestmark = pytest.mark.functional


def test_find_links_page_links_upstream_files_through_the_center(index):
    client = index["client"]
    answer = requests.get(f"{client.center_url}/links/upstream-dep/", timeout=30)
    assert answer.status_code == 200
    assert (
        'href="../../upstream-files/upstream-dep/upstream_dep-1.0-py3-none-any.whl'
        "#sha256=" in answer.text
    )
    merged = requests.get(f"{client.center_url}/links/shared-lib/", timeout=30).text
    assert merged.index("shared_lib-1.0") < merged.index("shared_lib-2.0")
    assert "acme_internal-100.0" not in merged
    hidden = requests.get(f"{client.center_url}/links/acme-secret/", timeout=30)
    assert hidden.status_code == 404


def test_json_api_of_an_upstream_project(index):
    client = index["client"]
    url = f"{client.center_url}/pypi/upstream-dep/json"
    document = requests.get(url, timeout=30).json()
    assert document["info"]["version"] == "1.0"
    [file] = document["urls"]
    assert file["url"].startswith(f"{client.center_url}/upstream-files/upstream-dep/")
    assert list(document["releases"]) == ["1.0"]
    spelled = requests.get(
        f"{client.center_url}/pypi/Upstream_Dep/1.0/json", timeout=30
    )
    assert spelled.history[0].status_code == 301
    assert "releases" not in spelled.json()
    missing = requests.get(f"{client.center_url}/pypi/upstream-dep/9/json", timeout=30)
    assert missing.status_code == 404
    local = requests.get(f"{client.center_url}/pypi/acme-internal/json", timeout=30)
    assert local.json()["info"]["version"] == "1.0"


def test_offline_center_serves_only_what_it_fetched(index, served_center):
    client = index["client"]
    assert requests.get(f"{client.center_url}/simple/acme-internal/", timeout=30)
    fetched = requests.get(f"{client.center_url}/links/upstream-dep/", timeout=30)
    url = urljoin(fetched.url, fetched.text.split('href="')[1].split("#")[0])
    assert requests.get(url, timeout=30).status_code == 200
    configure(served_center, upstream_offline=True)
    PAGES.clear()
    asked = index["upstream"]["log"].read_text().count("\n")
    kept = requests.get(f"{client.center_url}/simple/upstream-dep/", timeout=30)
    assert kept.status_code == 200
    assert "upstream_dep-1.0-py3-none-any.whl" in kept.text
    gone = requests.get(f"{client.center_url}/simple/changing/", timeout=30)
    assert gone.status_code == 404
    assert index["upstream"]["log"].read_text().count("\n") == asked


def test_expired_pages_are_revalidated_with_their_etag(index):
    client, log = index["client"], index["upstream"]["log"]
    for _ in range(2):
        answer = requests.get(f"{client.center_url}/simple/upstream-dep/", timeout=30)
        assert answer.status_code == 200
    statuses = [
        line.split('"')[2].split()[0]
        for line in log.read_text().splitlines()
        if "/simple/upstream-dep/ " in line
    ]
    assert statuses[-2:] == ["200", "304"], statuses


def test_fresh_pages_are_not_asked_again(index, served_center):
    client, log = index["client"], index["upstream"]["log"]
    configure(served_center, upstream_ttl=600)
    PAGES.clear()
    for _ in range(3):
        answer = requests.get(f"{client.center_url}/simple/upstream-dep/", timeout=30)
        assert answer.status_code == 200
    asked = [line for line in log.read_text().splitlines() if "/upstream-dep/ " in line]
    assert len(asked) == 1, asked


def logged(log, path: str, at_least: int) -> list[str]:
    """Return the upstream's requests for a path, waiting a moment for at_least.

    nginx writes its line once the answer is sent, so a client may read the
    log before the line of the request it was answered is there.
    """
    deadline = time.monotonic() + 10
    while True:
        asked = [line for line in requested(log) if line == path]
        if len(asked) >= at_least or time.monotonic() > deadline:
            return asked
        time.sleep(0.05)


def test_a_merged_page_is_replayed_only_while_its_upstream_page_is_fresh(
    index, served_center
):
    client, log = index["client"], index["upstream"]["log"]
    configure(served_center, upstream_ttl=2)
    PAGES.clear()
    url = f"{client.center_url}/simple/upstream-dep/"
    answers = [requests.get(url, timeout=30) for _ in range(3)]
    assert [a.headers.get("X-PSC-Cache") for a in answers] == [None, "hit", "hit"]
    assert {a.content for a in answers} == {answers[0].content}
    asked = logged(log, "/simple/upstream-dep/", 1)
    time.sleep(2.2)
    # Expired: Zope answers, and revalidates the upstream page.
    answer = requests.get(url, timeout=30)
    assert answer.headers.get("X-PSC-Cache") is None
    assert answer.content == answers[0].content
    assert len(logged(log, "/simple/upstream-dep/", len(asked) + 1)) == len(asked) + 1


class Failing(BaseHTTPRequestHandler):
    """An upstream in trouble: 503 to every request, each one counted."""

    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the handler's API)
        Failing.asked.append(self.path)
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def failing_upstream():
    """Serve an upstream that answers 503 on loopback; yield its index URL."""
    Failing.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_failing_upstream_is_left_alone_for_a_while(
    served_center, client, failing_upstream
):
    configure(served_center, upstream_urls=[failing_upstream], upstream_ttl=600)
    for name in ("first", "second", "third"):
        answer = requests.get(f"{client.center_url}/simple/{name}/", timeout=30)
        assert answer.status_code == 404
    # The first failure rests the index: the other names do not ask it again.
    assert Failing.asked == ["/simple/first/"]
    UNREACHABLE.clear()
    answer = requests.get(f"{client.center_url}/simple/fourth/", timeout=30)
    assert answer.status_code == 404
    assert Failing.asked == ["/simple/first/", "/simple/fourth/"]


def test_a_merged_page_is_built_once_per_state_of_its_sources(
    index, served_center, monkeypatch
):
    """Kept while the upstream page, the pinned files and the local project stay."""
    client = index["client"]
    built = []
    build = data.merged_project_page
    monkeypatch.setattr(
        data,
        "merged_project_page",
        lambda **found: built.append(found["name"]) or build(**found),
    )
    configure(served_center, upstream_ttl=600)
    url = f"{client.center_url}/simple/upstream-dep/"
    bodies = [requests.get(url, timeout=30) for _ in range(3)]
    assert [answer.status_code for answer in bodies] == [200, 200, 200]
    assert bodies[0].text == bodies[2].text
    assert built == ["upstream-dep"]
    # Fetching its file pins it: another state, built again, once.
    link = urljoin(url, bodies[0].text.split('href="')[1].split("#")[0])
    assert requests.get(link, timeout=30).status_code == 200
    for _ in range(2):
        assert requests.get(url, timeout=30).status_code == 200
    assert built == ["upstream-dep", "upstream-dep"]
    # A merged local project: an upload moves its serial, so it is built again.
    assert requests.get(f"{client.center_url}/simple/shared-lib/", timeout=30)
    assert built[-1] == "shared-lib"
    count = len(built)
    wheel = build_wheel(index["built"] / "local2", "shared-lib", "1.1")
    assert client.upload(wheel).status == 200
    answer = requests.get(f"{client.center_url}/simple/shared-lib/", timeout=30)
    assert "shared_lib-1.1-py3-none-any.whl" in answer.text
    assert len(built) == count + 1
