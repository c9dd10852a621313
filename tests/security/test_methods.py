"""Every HTTP method on every index URL: 405 with Allow for the wrong ones, no 5xx."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh

import pytest
import requests


pytestmark = pytest.mark.functional

METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "MKCOL", "TRACE", "LOCK"]


@pytest.fixture
def routes(served_center, client, tmp_path):
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    assert client.upload(wheel).status == 200
    [distribution] = fresh(served_center)["demo-pkg"]["1"].files()
    from collective.psc.simple.data import file_path

    archive = file_path(distribution)
    url = served_center.absolute_url()
    return {
        "simple": f"{url}/simple/",
        "simple project": f"{url}/simple/demo-pkg/",
        "archive": f"{url}/{archive}",
        "metadata": f"{url}/{archive}.metadata",
        "links": f"{url}/links/",
        "links project": f"{url}/links/demo-pkg/",
        "json": f"{url}/pypi/demo-pkg/json",
        "legacy": f"{url}/legacy/",
        "feed": f"{url}/@@releases.atom",
    }


@pytest.mark.parametrize("method", METHODS)
def test_wrong_methods_on_index_urls(served_center, routes, method):
    before = fresh(served_center).journal.last_serial
    for name, url in routes.items():
        answer = requests.request(method, url, timeout=30, allow_redirects=False)
        assert answer.status_code < 500, (name, method, answer.status_code)
        if method == "OPTIONS":
            assert answer.status_code in (200, 204, 405), (name, answer.status_code)
            assert "Allow" in answer.headers, name
        else:
            assert answer.status_code == 405, (name, method, answer.status_code)
            assert answer.headers.get("Allow"), name
            assert answer.text.strip(), name
    assert fresh(served_center).journal.last_serial == before
