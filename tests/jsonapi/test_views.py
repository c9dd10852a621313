"""PyPI's JSON API over a real WSGI server."""

from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.tokens.store import create_token
from datetime import datetime
from plone import api
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh
from tests.fixtures.served import host_rooted_url
from tests.fixtures.served import make_private

import hashlib
import pytest
import requests
import transaction


JSON = "application/json"
EXTRA = {
    "Requires-Dist": ["requests>=2", 'pytest; extra == "test"'],
    "Provides-Extra": "test",
    "Keywords": "demo,index",
    "Author": "Ada Lovelace",
    "Author-email": "ada@example.org",
    "License-Expression": "MIT",
    "Home-page": "https://example.org/demo",
    "Project-URL": "Source, https://example.org/demo/src",
}
CLASSIFIERS = ["Framework :: Plone :: 6.2", "Programming Language :: Python :: 3"]


@pytest.fixture
def uploaded(served_center, client, tmp_path):
    """Upload a wheel and an sdist of 'Demo.Pkg' 1.0 and 2.0; return them by name."""
    paths = [
        build_wheel(tmp_path / "1", "Demo.Pkg", "1.0", requires_python=">=3.8"),
        build_sdist(tmp_path / "1", "Demo.Pkg", "1.0", requires_python=">=3.8"),
        build_wheel(
            tmp_path / "2",
            "Demo.Pkg",
            "2.0",
            metadata_extra=EXTRA,
            classifiers=CLASSIFIERS,
            summary="Version two.",
        ),
        build_sdist(
            tmp_path / "2",
            "Demo.Pkg",
            "2.0",
            metadata_extra=EXTRA,
            classifiers=CLASSIFIERS,
            summary="Version two.",
        ),
    ]
    for path in paths:
        assert client.upload(path).status == 200
    return {path.name: path for path in paths}


def get(url, **headers):
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def yank(center, version, reason=""):
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        releases.yank(
            release=releases.get_release(
                project=projects.get_project(center=fresh(center), name="demo-pkg"),
                version=version,
            ),
            reason=reason,
        )
    transaction.commit()


def test_project_json_describes_the_latest_release(served_center, client, uploaded):
    answer = get(f"{client.center_url}/pypi/demo-pkg/json")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == JSON
    assert answer.headers["Cache-Control"] == "max-age=0, must-revalidate"
    document = answer.json()
    serial = fresh(served_center)["demo-pkg"].last_serial()
    assert answer.headers["X-PyPI-Last-Serial"] == str(serial)
    assert document["last_serial"] == serial
    info = document["info"]
    assert info["name"] == "Demo.Pkg"
    assert info["version"] == "2.0"
    assert info["summary"] == "Version two."
    assert info["description"].startswith("# A tiny package")
    assert info["description_content_type"] == "text/markdown"
    assert info["requires_dist"] == ["requests>=2", 'pytest; extra == "test"']
    assert info["provides_extra"] == ["test"]
    assert info["keywords"] == "demo,index"
    assert info["author"] == "Ada Lovelace"
    assert info["author_email"] == "ada@example.org"
    assert info["license_expression"] == "MIT"
    assert info["classifiers"] == CLASSIFIERS
    assert info["home_page"] == "https://example.org/demo"
    assert info["project_urls"] == {
        "Homepage": "https://example.org/demo",
        "Source": "https://example.org/demo/src",
    }
    assert info["requires_python"] is None
    assert info["yanked"] is False
    assert info["yanked_reason"] is None
    assert info["project_url"] == f"{client.center_url}/demo-pkg"
    assert info["package_url"] == info["project_url"]
    assert info["release_url"] == f"{client.center_url}/demo-pkg/2"
    assert get(info["release_url"]).status_code == 200
    assert document["vulnerabilities"] == []
    assert list(document["releases"]) == ["1.0", "2.0"]
    assert {entry["filename"] for entry in document["urls"]} == {
        "demo_pkg-2.0-py3-none-any.whl",
        "demo_pkg-2.0.tar.gz",
    }
    assert document["urls"] == document["releases"]["2.0"]


def test_file_entries_match_the_archives(served_center, client, uploaded):
    document = get(f"{client.center_url}/pypi/demo-pkg/json").json()
    files = {entry["filename"]: entry for entry in document["releases"]["1.0"]}
    assert set(files) == {"demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz"}
    for filename, entry in files.items():
        data = uploaded[filename].read_bytes()
        assert entry["digests"] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "blake2b_256": hashlib.blake2b(data, digest_size=32).hexdigest(),
            "md5": hashlib.md5(data).hexdigest(),
        }
        assert entry["md5_digest"] == entry["digests"]["md5"]
        assert entry["size"] == len(data)
        assert entry["requires_python"] == ">=3.8"
        assert entry["yanked"] is False
        assert entry["yanked_reason"] is None
        assert entry["has_sig"] is False
        assert entry["comment_text"] == ""
        assert entry["core-metadata"]["sha256"]
        assert "/packages/" in entry["url"]
        assert entry["url"].endswith(f"/{filename}")
        assert get(entry["url"]).content == data
        iso = datetime.strptime(entry["upload_time_iso_8601"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert entry["upload_time"] == iso.strftime("%Y-%m-%dT%H:%M:%S")
    assert files["demo_pkg-1.0-py3-none-any.whl"]["packagetype"] == "bdist_wheel"
    assert files["demo_pkg-1.0-py3-none-any.whl"]["python_version"] == "py3"
    assert files["demo_pkg-1.0.tar.gz"]["packagetype"] == "sdist"
    assert files["demo_pkg-1.0.tar.gz"]["python_version"] == "source"


@pytest.mark.parametrize("path", ["pypi/demo-pkg/json/", "pypi/demo-pkg/2.0/json/"])
def test_trailing_slash_is_accepted(served_center, client, uploaded, path):
    answer = get(f"{client.center_url}/{path}")
    assert answer.status_code == 200
    assert answer.json()["info"]["version"] == "2.0"


@pytest.mark.parametrize("spelling", ["1.0", "1.0.0", "1", "v1.0"])
def test_version_json_accepts_any_spelling(served_center, client, uploaded, spelling):
    answer = get(f"{client.center_url}/pypi/demo-pkg/{spelling}/json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["info"]["version"] == "1.0"
    assert document["info"]["requires_python"] == ">=3.8"
    assert document["info"]["requires_dist"] is None
    assert "releases" not in document
    assert [entry["filename"] for entry in document["urls"]] == [
        "demo_pkg-1.0-py3-none-any.whl",
        "demo_pkg-1.0.tar.gz",
    ]
    assert answer.headers["X-PyPI-Last-Serial"] == str(document["last_serial"])


def test_yanked_release_is_not_the_latest(served_center, client, uploaded):
    url = f"{client.center_url}/pypi/demo-pkg/json"
    before = get(url)
    yank(served_center, "2.0", reason="Broken build.")
    after = get(url, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert int(after.headers["X-PyPI-Last-Serial"]) > int(
        before.headers["X-PyPI-Last-Serial"]
    )
    document = after.json()
    assert document["info"]["version"] == "1.0"
    assert [entry["yanked"] for entry in document["releases"]["2.0"]] == [True, True]
    assert {entry["yanked_reason"] for entry in document["releases"]["2.0"]} == {
        "Broken build."
    }
    release = get(f"{client.center_url}/pypi/demo-pkg/2.0/json").json()
    assert release["info"]["yanked"] is True
    assert release["info"]["yanked_reason"] == "Broken build."


def test_final_release_wins_over_a_newer_prerelease(
    served_center, client, uploaded, tmp_path
):
    wheel = build_wheel(tmp_path, "Demo.Pkg", "3.0b1")
    assert client.upload(wheel).status == 200
    document = get(f"{client.center_url}/pypi/demo-pkg/json").json()
    assert document["info"]["version"] == "2.0"
    assert list(document["releases"]) == ["1.0", "2.0", "3.0b1"]
    yank(served_center, "1.0")
    yank(served_center, "2.0")
    document = get(f"{client.center_url}/pypi/demo-pkg/json").json()
    assert document["info"]["version"] == "3.0b1"


def test_unchanged_document_is_not_modified(served_center, client, uploaded):
    url = f"{client.center_url}/pypi/demo-pkg/json"
    first = get(url)
    again = get(url, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["X-PyPI-Last-Serial"] == first.headers["X-PyPI-Last-Serial"]


@pytest.mark.parametrize(
    "path,target",
    [
        ("pypi/Demo.Pkg/json", "pypi/demo-pkg/json"),
        ("pypi/DEMO_pkg/json/", "pypi/demo-pkg/json"),
        ("pypi/demo.pkg/1.0.0/json", "pypi/demo-pkg/1.0.0/json"),
    ],
)
def test_redirects_to_the_normalized_name(
    served_center, client, uploaded, path, target
):
    answer = get(f"{client.center_url}/{path}")
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{client.center_url}/{target}"


@pytest.mark.parametrize(
    "path",
    [
        "pypi/nothing-here/json",
        "pypi/Nothing.Here/json",
        "pypi/demo-pkg/9.9/json",
        "pypi/demo-pkg/not-a-version/json",
        "pypi/demo-pkg",
        "pypi/demo-pkg/1.0",
        "pypi/demo-pkg/1.0/json/more",
        "pypi/-bad-/json",
        "pypi",
    ],
)
def test_unknown_project_or_version_is_a_json_404(
    served_center, client, uploaded, path
):
    answer = get(f"{client.center_url}/{path}")
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == JSON
    assert answer.json() == {"message": "Not Found"}


def test_private_center_challenges_readers(served_center, client, uploaded):
    make_private(served_center)
    url = f"{client.center_url}/pypi/demo-pkg/json"
    anonymous = get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="pypi"'
    member = requests.get(url, auth=("alice", "alice-secret"), timeout=30)
    assert member.status_code == 200
    assert member.json()["info"]["version"] == "2.0"
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        _info, token = create_token(center=fresh(served_center), user_id="alice")
    transaction.commit()
    with_token = requests.get(url, auth=("__token__", token), timeout=30)
    assert with_token.status_code == 200


def test_center_at_the_root_of_its_own_host_name(served_center, client, uploaded):
    vhost = host_rooted_url(client)
    document = get(f"{vhost}/pypi/demo-pkg/json").json()
    assert document["info"]["project_url"] == "https://pypi.example/demo-pkg"
    urls = [entry["url"] for entry in document["urls"]]
    assert all(url.startswith("https://pypi.example/packages/") for url in urls)
    redirect = get(f"{vhost}/pypi/Demo.Pkg/json")
    assert redirect.headers["Location"] == "https://pypi.example/pypi/demo-pkg/json"
