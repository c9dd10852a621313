"""The simple index and the package files over a real WSGI server."""

from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.installers import BIN
from tests.fixtures.installers import pip_and_uv_install
from tests.fixtures.installers import pip_install
from tests.fixtures.installers import run
from tests.fixtures.served import fresh
from tests.fixtures.served import host_rooted_url
from tests.fixtures.served import make_private

import hashlib
import pytest
import requests
import transaction
import zipfile


JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
def uploaded(served_center, client, tmp_path):
    """Upload two releases of 'Demo.Pkg'; return the archives by name."""
    paths = [
        build_wheel(tmp_path / "a", "Demo.Pkg", "1.0", requires_python=">=3.8"),
        build_sdist(tmp_path / "a", "Demo.Pkg", "1.0"),
        build_wheel(tmp_path / "b", "Demo.Pkg", "2.0"),
    ]
    for path in paths:
        assert client.upload(path).status == 200
    return {path.name: path for path in paths}


def get(url, accept=None, **headers):
    if accept:
        headers["Accept"] = accept
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def test_root_json_and_html(served_center, client, uploaded):
    root = f"{client.center_url}/simple/"
    answer = get(root, JSON)
    assert answer.headers["Content-Type"] == JSON
    assert answer.headers["Vary"] == "Accept"
    page = answer.json()
    assert page["meta"]["api-version"] == "1.4"
    assert page["projects"][0]["name"] == "demo-pkg"
    assert set(page["projects"][0]) == {"name", "_last-serial"}
    serial = page["meta"]["_last-serial"]
    assert page["projects"][0]["_last-serial"] == serial
    assert answer.headers["X-PyPI-Last-Serial"] == str(serial)
    html = get(root)
    assert html.headers["Content-Type"].startswith("text/html")
    assert 'href="demo-pkg/">demo-pkg</a>' in html.text
    assert '<meta name="pypi:repository-version" content="1.4" />' in html.text


def test_project_page_json(served_center, client, uploaded):
    page = get(f"{client.center_url}/simple/demo-pkg/", JSON).json()
    assert page["name"] == "demo-pkg"
    assert page["versions"] == ["1.0", "2.0"]
    files = {entry["filename"]: entry for entry in page["files"]}
    assert set(files) == set(uploaded)
    wheel = files["demo_pkg-1.0-py3-none-any.whl"]
    data = uploaded["demo_pkg-1.0-py3-none-any.whl"].read_bytes()
    assert wheel["hashes"] == {"sha256": hashlib.sha256(data).hexdigest()}
    assert wheel["size"] == len(data)
    assert wheel["requires-python"] == ">=3.8"
    assert wheel["yanked"] is False
    assert wheel["upload-time"].endswith("Z")
    assert wheel["url"].endswith("/demo_pkg-1.0-py3-none-any.whl")
    assert "/packages/" in wheel["url"]
    metadata = get(wheel["url"] + ".metadata")
    with zipfile.ZipFile(uploaded["demo_pkg-1.0-py3-none-any.whl"]) as zipped:
        expected = zipped.read("demo_pkg-1.0.dist-info/METADATA")
    assert metadata.content == expected
    assert wheel["core-metadata"] == {"sha256": hashlib.sha256(expected).hexdigest()}
    archive = get(wheel["url"])
    assert archive.status_code == 200
    assert archive.content == data
    assert archive.headers["Content-Length"] == str(len(data))
    assert archive.headers["Content-Type"] == "application/octet-stream"


def test_project_page_html_yank_and_etag(served_center, client, uploaded):
    url = f"{client.center_url}/simple/demo-pkg/"
    first = get(url)
    assert 'data-requires-python="&gt;=3.8"' in first.text
    assert "data-yanked" not in first.text
    assert get(url, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    listed = f'"other", {first.headers["ETag"]}'
    assert get(url, **{"If-None-Match": listed}).status_code == 304
    wrapped = f'"x{first.headers["ETag"][1:-1]}x"'
    assert get(url, **{"If-None-Match": wrapped}).status_code == 200
    transaction.begin()
    from collective.psc.services import projects
    from collective.psc.services import releases

    with api.env.adopt_roles(["Manager"]):
        releases.yank(
            release=releases.get_release(
                project=projects.get_project(
                    center=fresh(served_center), name="demo-pkg"
                ),
                version="2.0",
            ),
            reason="bad",
        )
    transaction.commit()
    second = get(url, **{"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert 'data-yanked="bad"' in second.text
    page = get(url, JSON).json()
    yanked = [
        e["yanked"] for e in page["files"] if e["filename"].startswith("demo_pkg-2.0")
    ]
    assert yanked == ["bad"]


@pytest.mark.parametrize(
    "path,target",
    [
        ("simple", "simple/"),
        ("simple/demo-pkg", "simple/demo-pkg/"),
        ("simple/Demo.Pkg/", "simple/demo-pkg/"),
        ("simple/DEMO_pkg", "simple/demo-pkg/"),
    ],
)
def test_redirects_to_canonical_url(served_center, client, uploaded, path, target):
    answer = get(f"{client.center_url}/{path}")
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{client.center_url}/{target}"


def test_unknown_project_and_file_are_404(served_center, client, uploaded):
    assert get(f"{client.center_url}/simple/nothing-here/").status_code == 404
    assert get(f"{client.center_url}/packages/aa/bb/cc/x-1.0.tar.gz").status_code == 404


def test_head_and_range(served_center, client, uploaded):
    page = get(f"{client.center_url}/simple/demo-pkg/", JSON).json()
    url = page["files"][0]["url"]
    data = uploaded[page["files"][0]["filename"]].read_bytes()
    head = requests.head(url, timeout=30)
    assert head.status_code == 200
    assert head.headers["Content-Length"] == str(len(data))
    assert head.content == b""
    part = get(url, Range="bytes=10-19")
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    tail = get(url, Range="bytes=-5")
    assert tail.content == data[-5:]
    assert get(url, Range=f"bytes={len(data)}-").status_code == 416
    whole = get(url, Range="bytes=1_0-2_0")
    assert whole.status_code == 200
    assert whole.content == data


def test_pip_and_uv_install_from_the_center(served_center, client, uploaded, venv):
    pip_and_uv_install(venv, f"{client.center_url}/simple/")


def test_uv_publish_check_url_skips_identical_files(served_center, client, uploaded):
    paths = list(uploaded.values())
    result = run(
        BIN / "uv",
        "publish",
        "--publish-url",
        client.upload_url,
        "--check-url",
        f"{client.center_url}/simple/",
        "--username",
        SITE_OWNER_NAME,
        "--password",
        SITE_OWNER_PASSWORD,
        *paths,
    )
    assert result.returncode == 0, result.stderr
    assert "already exists" in result.stderr
    assert len(fresh(served_center)["demo-pkg"]["1"].files()) == 2


def test_private_center_challenges_installers(served_center, client, uploaded):
    make_private(served_center)
    url = f"{client.center_url}/simple/demo-pkg/"
    anonymous = get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="pypi"'
    assert "demo_pkg" not in anonymous.text
    wrong = requests.get(url, auth=("alice", "wrong"), timeout=30)
    assert wrong.status_code == 401
    member = requests.get(url, auth=("alice", "alice-secret"), timeout=30)
    assert member.status_code == 200
    assert "demo_pkg-1.0-py3-none-any.whl" in member.text
    file_url = get(url, JSON, Authorization=member.request.headers["Authorization"])
    archive = file_url.json()["files"][0]["url"]
    assert get(archive).status_code == 401
    assert requests.get(archive, auth=("bob", "bob-secret"), timeout=30).ok


def test_pip_installs_from_a_private_center_with_credentials(
    served_center, client, uploaded, venv
):
    make_private(served_center)
    host = client.center_url.split("//", 1)[1]
    index = f"http://alice:alice-secret@{host}/simple/"
    pip = pip_install(venv, index, "demo-pkg==1.0")
    assert pip.returncode == 0, pip.stdout + pip.stderr
    public = f"{client.center_url}/simple/"
    anonymous = pip_install(venv, public, "--no-input", "demo-pkg==2.0")
    assert anonymous.returncode != 0
    assert "No matching distribution found for demo-pkg==2.0" in anonymous.stderr


def test_center_at_the_root_of_its_own_host_name(served_center, client, uploaded):
    """Behind a front proxy's rewrite, every URL is rooted at the host."""
    vhost = host_rooted_url(client)
    root = get(f"{vhost}/simple/", JSON).json()
    assert root["projects"][0]["name"] == "demo-pkg"
    page = get(f"{vhost}/simple/demo-pkg/", JSON).json()
    urls = [entry["url"] for entry in page["files"]]
    assert all(url.startswith("https://pypi.example/packages/") for url in urls)
    path = urls[0].removeprefix("https://pypi.example")
    archive = get(f"{vhost}{path}")
    assert archive.status_code == 200
    assert archive.content == uploaded[page["files"][0]["filename"]].read_bytes()
    redirect = get(f"{vhost}/simple/Demo.Pkg/")
    assert redirect.headers["Location"] == "https://pypi.example/simple/demo-pkg/"
    html = get(f"{vhost}/simple/demo-pkg/").text
    assert 'href="https://pypi.example/packages/' in html
