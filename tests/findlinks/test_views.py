"""The flat find-links pages over a real WSGI server."""

from collective.psc.services import projects
from collective.psc.services import releases
from plone import api
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh
from urllib.parse import urljoin

import hashlib
import pytest
import re
import requests
import transaction


HTML = "text/html; charset=utf-8"
ANCHOR = re.compile(r'<a href="([^"]+)"([^>]*)>([^<]+)</a>')


@pytest.fixture
def uploaded(served_center, client, tmp_path):
    """Upload 'Demo.Pkg' 1.0 and 2.0 and 'Other' 0.1; return the archives by name."""
    paths = [
        build_wheel(tmp_path, "Demo.Pkg", "1.0", requires_python=">=3.8"),
        build_sdist(tmp_path, "Demo.Pkg", "1.0", requires_python=">=3.8"),
        build_wheel(tmp_path, "Demo.Pkg", "2.0"),
        build_wheel(tmp_path, "Other", "0.1"),
    ]
    for path in paths:
        assert client.upload(path).status == 200
    return {path.name: path for path in paths}


def get(url, **headers):
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def anchors(html):
    """Return (href, attributes, text) of every link of a page."""
    return ANCHOR.findall(html)


def test_center_page_links_every_file(served_center, client, uploaded):
    page_url = f"{client.center_url}/links/"
    answer = get(page_url)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == HTML
    assert answer.headers["Cache-Control"] == "max-age=0, must-revalidate"
    serial = fresh(served_center).journal.last_serial
    assert answer.headers["X-PyPI-Last-Serial"] == str(serial)
    links = anchors(answer.text)
    assert [text for _href, _attributes, text in links] == [
        "demo_pkg-1.0-py3-none-any.whl",
        "demo_pkg-1.0.tar.gz",
        "demo_pkg-2.0-py3-none-any.whl",
        "other-0.1-py3-none-any.whl",
    ]
    for href, _attributes, text in links:
        assert href.startswith("../packages/")
        url, _, fragment = urljoin(page_url, href).partition("#")
        data = uploaded[text].read_bytes()
        assert fragment == f"sha256={hashlib.sha256(data).hexdigest()}"
        assert url.startswith(f"{client.center_url}/packages/")
        assert url.endswith(f"/{text}")
        assert get(url).content == data
    attributes = {text: attributes for _href, attributes, text in links}
    assert 'data-requires-python="&gt;=3.8"' in attributes["demo_pkg-1.0.tar.gz"]
    assert "data-requires-python" not in attributes["other-0.1-py3-none-any.whl"]


def test_project_page_links_its_files(served_center, client, uploaded):
    page_url = f"{client.center_url}/links/demo-pkg/"
    answer = get(page_url)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == HTML
    assert "<title>Links for Demo.Pkg</title>" in answer.text
    links = anchors(answer.text)
    assert [text for _href, _attributes, text in links] == [
        "demo_pkg-1.0-py3-none-any.whl",
        "demo_pkg-1.0.tar.gz",
        "demo_pkg-2.0-py3-none-any.whl",
    ]
    for href, _attributes, text in links:
        assert href.startswith("../../packages/")
        assert get(urljoin(page_url, href)).content == uploaded[text].read_bytes()
    project = fresh(served_center)["demo-pkg"]
    assert answer.headers["X-PyPI-Last-Serial"] == str(project.last_serial())


def test_yanked_files_are_left_out_and_the_etag_changes(
    served_center, client, uploaded
):
    url = f"{client.center_url}/links/"
    first = get(url)
    assert get(url, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        releases.yank(
            release=releases.get_release(
                project=projects.get_project(
                    center=fresh(served_center), name="demo-pkg"
                ),
                version="2.0",
            )
        )
    transaction.commit()
    for page in (url, f"{client.center_url}/links/demo-pkg/"):
        answer = get(page, **{"If-None-Match": first.headers["ETag"]})
        assert answer.status_code == 200
        assert "demo_pkg-1.0-py3-none-any.whl" in answer.text
        assert "demo_pkg-2.0" not in answer.text
    assert get(url).headers["ETag"] != first.headers["ETag"]


def test_empty_center_has_an_empty_page(served_center, client):
    answer = get(f"{client.center_url}/links/")
    assert answer.status_code == 200
    assert anchors(answer.text) == []


@pytest.mark.parametrize(
    "path,target",
    [
        ("links", "links/"),
        ("links/demo-pkg", "links/demo-pkg/"),
        ("links/Demo.Pkg/", "links/demo-pkg/"),
        ("links/DEMO_pkg", "links/demo-pkg/"),
    ],
)
def test_redirects_to_the_canonical_url(served_center, client, uploaded, path, target):
    answer = get(f"{client.center_url}/{path}")
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{client.center_url}/{target}"


@pytest.mark.parametrize(
    "path", ["links/nothing-here/", "links/-bad-/", "links/demo-pkg/more/"]
)
def test_unknown_pages_are_404(served_center, client, uploaded, path):
    assert get(f"{client.center_url}/{path}").status_code == 404


def test_private_center_challenges_readers(served_center, client, uploaded):
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=fresh(served_center), transition="make_private")
    transaction.commit()
    url = f"{client.center_url}/links/"
    anonymous = get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="pypi"'
    assert "demo_pkg" not in anonymous.text
    member = requests.get(url, auth=("alice", "alice-secret"), timeout=30)
    assert member.status_code == 200
    assert "demo_pkg-1.0-py3-none-any.whl" in member.text
