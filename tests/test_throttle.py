"""The login throttle in front of a real WSGI server (waitress)."""

from collective.psc.throttle import basic_login
from collective.psc.throttle import failed
from collective.psc.throttle import FailureCounter
from collective.psc.throttle import LoginThrottle

import base64
import pytest
import requests
import threading
import waitress.server


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class App:
    """Answer 200 to alice's right password, 401 to anything else; count calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        right = "Basic " + base64.b64encode(b"alice:right").decode()
        if environ.get("HTTP_AUTHORIZATION") == right:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"hello alice"]
        if environ.get("PATH_INFO") == "/page":
            start_response("302 Found", [("Location", "http://x/require_login?x=1")])
            return [b""]
        start_response("401 Unauthorized", [("Content-Type", "text/plain")])
        return [b"no"]


@pytest.fixture
def served():
    clock = Clock()
    app = App()
    counter = FailureCounter(max_failures=3, window=60, max_entries=50, clock=clock)
    server = waitress.server.create_server(
        LoginThrottle(app, counter), host="127.0.0.1", port=0, threads=4
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    yield {"url": url, "app": app, "clock": clock, "counter": counter}
    server.close()


def get(served, login, password, path="/"):
    return requests.get(
        served["url"] + path, auth=(login, password), allow_redirects=False, timeout=10
    )


def test_failed_logins_are_throttled_without_reaching_the_app(served):
    for _attempt in range(3):
        assert get(served, "alice", "wrong").status_code == 401
    assert served["app"].calls == 3
    refused = get(served, "alice", "right")
    assert refused.status_code == 429
    assert refused.reason.startswith("Too many failed logins for 'alice'")
    assert refused.headers["Retry-After"] == "60"
    assert "wait 60 seconds" in refused.text
    assert served["app"].calls == 3
    # Another login from the same address and anonymous requests go on.
    assert get(served, "bob", "x").status_code == 401
    assert requests.get(served["url"], timeout=10).status_code == 401
    served["clock"].now += 61
    assert get(served, "alice", "right").status_code == 200


def test_success_clears_the_count(served):
    for _attempt in range(2):
        get(served, "alice", "wrong")
    assert get(served, "alice", "right").status_code == 200
    for _attempt in range(2):
        assert get(served, "alice", "wrong").status_code == 401
    assert get(served, "alice", "right").status_code == 200


def test_login_page_redirects_count_as_failures(served):
    for _attempt in range(3):
        assert get(served, "carol", "x", path="/page").status_code == 302
    assert get(served, "carol", "x", path="/page").status_code == 429


def test_parallel_guessing_is_bounded(served):
    answers = []
    lock = threading.Lock()

    def guess(number):
        status = get(served, "alice", f"guess-{number}").status_code
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(answers)) == [401, 429]
    # Threads racing past the check may each reach the app once more.
    assert served["app"].calls <= 3 + 4


def test_memory_is_bounded():
    counter = FailureCounter(max_failures=3, window=60, max_entries=50)
    for number in range(500):
        counter.fail((f"10.0.0.{number}", "alice"))
    assert len(counter) == 50


@pytest.mark.parametrize(
    ("header", "login"),
    [
        ("Basic " + base64.b64encode(b"alice:pw").decode(), "alice"),
        ("Basic " + base64.b64encode(b"__token__:psc-1.x").decode(), "__token__"),
        ("basic " + base64.b64encode(b"a:b:c").decode(), "a"),
        ("Basic " + base64.b64encode(b"nocolon").decode(), None),
        ("Basic !!!", None),
        ("Bearer abc", None),
        ("", None),
    ],
)
def test_basic_login(header, login):
    assert basic_login({"HTTP_AUTHORIZATION": header}) == login


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        ("401 Unauthorized", [], True),
        ("403 Forbidden", [], True),
        ("302 Found", [("Location", "http://h/plone/require_login?came_from=x")], True),
        ("302 Found", [("Location", "http://h/plone/pypi/")], False),
        ("200 OK", [], False),
        ("404 Not Found", [], False),
    ],
)
def test_failed(status, headers, expected):
    assert failed(status, headers) is expected


def test_paste_deploy_builds_the_filter(tmp_path):
    from paste.deploy import loadapp

    config = tmp_path / "app.ini"
    config.write_text(
        "[app:hello]\n"
        "use = call:tests.test_throttle:hello_factory\n\n"
        "[filter:throttle]\n"
        "use = call:collective.psc.throttle:filter_factory\n"
        "max_failures = 2\n"
        "window = 30\n\n"
        "[pipeline:main]\n"
        "pipeline = throttle hello\n"
    )
    app = loadapp(f"config:{config}")
    assert isinstance(app, LoginThrottle)
    assert (app.counter.max_failures, app.counter.window) == (2, 30.0)


def hello_factory(global_conf, **settings):
    return App()
