"""A real Apache serves the exported tree as the live center serves the index.

The center runs in the WSGI server of the layer; its uploads are exported
after each commit into a tree that Debian's apache2, started here on
loopback with the configuration ``psc mirror apache`` prints, serves. pip,
uv and buildout install from Apache, and a table of Accept headers gets the
same answer from both.
"""

from collective.psc import services
from collective.psc.mirroring.sync import verify
from collective.psc.mirroring.writer import Tree
from plone import api
from tests.findlinks.test_clients import buildout
from tests.findlinks.test_clients import installed
from tests.findlinks.test_clients import RECIPE_VERSION
from tests.mirroring.apache import running_apache
from tests.simple.test_views import run
from tests.upload.conftest import BIN
from tests.upload.conftest import fresh
from urllib.parse import urljoin

import json
import pytest
import requests
import transaction


pytestmark = pytest.mark.functional

JSON = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
PIP = f"{JSON}, {HTML_V1}; q=0.1, text/html; q=0.01"
UV = f"{JSON}, {HTML_V1};q=0.2, text/html;q=0.01"
ACCEPT_HEADERS = [
    None,
    "",
    "*/*",
    PIP,
    UV,
    "text/html",
    JSON,
    HTML_V1,
    "application/vnd.pypi.simple.latest+json",
    "application/vnd.pypi.simple.latest+html",
    "text/*",
    "application/*",
    "image/png",
    f"{JSON};q=0",
    f"{JSON};q=0.5, text/html",
    f"{JSON};q=0.5, text/html;q=0.5",
    f"text/html;q=0.9, {HTML_V1};q=0.8, {JSON};q=0.7",
    f"{HTML_V1}, {JSON}",
    f"{JSON}; q=0.001, */*; q=0.002",
    f"*/*;q=0.1, {JSON};q=0.05",
    f"text/*;q=1, {HTML_V1};q=0.5",
    "application/*;q=0.3, text/html;q=0.2",
    f"{JSON};q=bogus, text/html;q=0.1",
    f"TEXT/HTML;Q=0.4, {JSON.upper()};q=0.3",
]


@pytest.fixture
def tree(center, tmp_path):
    """Make the tree a mirror directory of the center; return it."""
    tree = Tree(tmp_path / "tree")
    fresh(center).mirror_targets = [str(tree.root)]
    transaction.commit()
    return tree


@pytest.fixture
def apache(tree, tmp_path):
    """Serve the tree with Apache; return its base URL."""
    with running_apache(tree.root, tmp_path / "apache") as base:
        yield base


def get(url, accept):
    headers = {} if accept is None else {"Accept": accept}
    answer = requests.get(url, headers=headers, timeout=30)
    assert answer.status_code == 200, (url, accept, answer.status_code)
    return answer


def resolved(answer, base):
    """Return a page's links made absolute and then relative to ``base``."""
    text = answer.text
    if answer.headers["Content-Type"] == JSON:
        page = json.loads(text)
        for entry in page.get("files", []):
            entry["url"] = urljoin(answer.url, entry["url"]).removeprefix(base)
        for entry in page.get("projects", []):
            entry.pop("_url", None)
        return page
    return [
        urljoin(answer.url, href).removeprefix(base)
        for href in (part.split('"', 1)[0] for part in text.split('href="')[1:])
    ]


@pytest.mark.parametrize("page", ["", "demo-pkg/"])
def test_apache_answers_every_accept_header_as_the_center(
    center,
    client,
    tree,
    published,
    apache,
    page,
):
    live_base, mirror_base = client.center_url, apache
    for accept in ACCEPT_HEADERS:
        live = get(f"{live_base}/simple/{page}", accept)
        mirror = get(f"{mirror_base}/simple/{page}", accept)
        assert mirror.headers["Content-Type"] == live.headers["Content-Type"], accept
        assert mirror.headers["Vary"] == "Accept"
        assert resolved(mirror, mirror_base) == resolved(live, live_base), accept


def test_archives_and_metadata_as_the_center(
    center,
    client,
    tree,
    published,
    apache,
):
    page = get(f"{apache}/simple/demo-pkg/", JSON).json()
    entry = page["files"][0]
    url = urljoin(f"{apache}/simple/demo-pkg/", entry["url"])
    live_url = url.replace(apache, client.center_url)
    for suffix in ("", ".metadata"):
        mirror, live = get(url + suffix, None), get(live_url + suffix, None)
        assert mirror.content == live.content
        assert mirror.headers["Content-Type"] == live.headers["Content-Type"]
    head = requests.head(url, timeout=30)
    assert head.headers["Content-Length"] == str(entry["size"])
    assert (
        requests.get(url, headers={"Range": "bytes=0-9"}, timeout=30).status_code == 206
    )


def test_pip_uv_and_buildout_install_from_apache(
    center,
    client,
    tree,
    published,
    apache,
    venv,
    tmp_path,
):
    index = f"{apache}/simple/"
    pip = run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--no-cache-dir",
        "--index-url",
        index,
        "demo-pkg==1.0",
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert "demo_pkg-1.0-py3-none-any.whl" in pip.stdout
    uv = run(
        BIN / "uv",
        "pip",
        "install",
        "--python",
        venv / "bin" / "python",
        "--no-cache",
        "--index-url",
        index,
        "demo-pkg==2.0",
    )
    assert uv.returncode == 0, uv.stderr
    listed = run(BIN / "uv", "pip", "list", "--python", venv / "bin" / "python")
    assert ["demo-pkg", "2.0"] in [line.split() for line in listed.stdout.splitlines()]
    directory = tmp_path / "buildout"
    result = buildout(directory, index=index)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Reading {index}demo-pkg/" in result.stdout
    assert installed(directory) == [
        "Demo.Pkg-2.0",
        "demo_lib-1.0",
        f"zc.recipe.egg-{RECIPE_VERSION}",
    ]


def change(center, function, **kwargs):
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        function(center=fresh(center), **kwargs)
    transaction.commit()


def test_tree_follows_uploads_yanks_and_deletes(
    center,
    client,
    tree,
    published,
    apache,
    venv,
):
    assert not verify(fresh(center), tree)
    change(center, services.yank, name="demo-pkg", version="2.0", reason="bad")
    assert not verify(fresh(center), tree)
    pip = run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--no-cache-dir",
        "--index-url",
        f"{apache}/simple/",
        "demo-pkg",
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert "demo_pkg-1.0-py3-none-any.whl" in pip.stdout
    wheel = published[2].name
    change(center, services.delete_file, filename=wheel)
    assert not verify(fresh(center), tree)
    assert wheel not in get(f"{apache}/simple/demo-pkg/", None).text
    change(center, services.delete_project, name="demo-lib")
    assert not verify(fresh(center), tree)
    assert requests.get(f"{apache}/simple/demo-lib/", timeout=30).status_code == 404


def test_verify_lists_a_damaged_tree(center, client, tree, published):
    page = "simple/demo-pkg/index.v1_json"
    (tree.root / page).write_text("{}")
    archive = next(path for path in tree.files() if path.endswith(".whl"))
    (tree.root / archive).unlink()
    (tree.root / "packages" / "stray.whl").write_bytes(b"x")
    differences = verify(fresh(center), tree)
    assert differences.mismatched == [page]
    assert differences.missing == [archive]
    assert differences.extra == ["packages/stray.whl"]
