"""plone.restapi over a real WSGI server: serialisers, @psc-project, permissions."""

from collective.psc.services import projects
from collective.psc.services import releases
from plone import api
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh
from tests.fixtures.served import make_private

import hashlib
import pytest
import requests
import transaction


JSON = {"Accept": "application/json"}
EXTRA = {"Project-URL": "Source, https://example.org/demo/src"}
CLASSIFIERS = ["Framework :: Plone :: 6.2", "Programming Language :: Python :: 3"]


@pytest.fixture
def uploaded(served_center, client, tmp_path):
    """Upload Demo.Pkg 1.0 (wheel, sdist), 2.0 and 3.0b1; return them by name."""
    paths = [
        build_wheel(tmp_path, "Demo.Pkg", "1.0", requires_python=">=3.10"),
        build_sdist(tmp_path, "Demo.Pkg", "1.0", requires_python=">=3.10"),
        build_wheel(
            tmp_path,
            "Demo.Pkg",
            "2.0",
            metadata_extra=EXTRA,
            classifiers=CLASSIFIERS,
            summary="Version two.",
        ),
        build_wheel(tmp_path, "Demo.Pkg", "3.0b1", summary="Beta of three."),
    ]
    for path in paths:
        assert client.upload(path).status == 200, path
    return {path.name: path for path in paths}


def get(url, **kwargs):
    return requests.get(url, headers=JSON, timeout=30, **kwargs)


def test_project_serialises_its_packaging_fields_and_releases(client, uploaded):
    answer = get(f"{client.center_url}/demo-pkg")
    assert answer.status_code == 200
    project = answer.json()
    assert project["@type"] == "SoftwareProject"
    assert project["normalized_name"] == "demo-pkg"
    assert project["display_name"] == "Demo.Pkg"
    # The newest final release speaks for the project, not the beta.
    assert project["latest_version"] == "2.0"
    assert project["description"] == "Version two."
    assert project["classifiers"] == CLASSIFIERS
    assert project["compatibility"] == ["6.2"]
    assert project["urls"] == [
        {"label": "Source", "url": "https://example.org/demo/src"}
    ]
    assert project["links"]["simple"] == f"{client.center_url}/simple/demo-pkg/"
    assert project["links"]["atom"] == f"{client.center_url}/demo-pkg/@@releases.atom"
    # Releases are not catalogued; they are listed all the same.
    assert project["items_total"] == 3
    assert [item["@id"] for item in project["items"]] == [
        f"{client.center_url}/demo-pkg/3b1",
        f"{client.center_url}/demo-pkg/2",
        f"{client.center_url}/demo-pkg/1",
    ]


def test_release_serialises_version_maturity_and_files(client, uploaded):
    answer = get(f"{client.center_url}/demo-pkg/1")
    assert answer.status_code == 200
    release = answer.json()
    assert release["version"] == "1.0"
    assert release["maturity"] == "final"
    assert release["requires_python"] == ">=3.10"
    assert release["yanked"] is False
    assert release["items_total"] == 2
    files = {item["filename"]: item for item in release["files"]}
    assert sorted(files) == ["demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz"]
    wheel = files["demo_pkg-1.0-py3-none-any.whl"]
    data = uploaded["demo_pkg-1.0-py3-none-any.whl"].read_bytes()
    assert wheel["digests"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert wheel["packagetype"] == "bdist_wheel"
    assert wheel["python_version"] == "py3"
    assert wheel["size"] == len(data)
    assert requests.get(wheel["url"], timeout=30).content == data
    beta = get(f"{client.center_url}/demo-pkg/3b1").json()
    assert (beta["version"], beta["maturity"]) == ("3.0b1", "beta")


def test_file_serialises_its_index_url(client, uploaded):
    url = f"{client.center_url}/demo-pkg/1/demo_pkg-1.0.tar.gz"
    document = get(url).json()
    assert document["filename"] == "demo_pkg-1.0.tar.gz"
    assert document["package_type"]["token"] == "sdist"
    assert document["url"].startswith(f"{client.center_url}/packages/")
    assert document["url"].endswith("/demo_pkg-1.0.tar.gz")
    data = uploaded["demo_pkg-1.0.tar.gz"].read_bytes()
    assert document["sha256"] == hashlib.sha256(data).hexdigest()
    metadata = requests.get(document["core_metadata_url"], timeout=30)
    assert metadata.status_code == 200
    assert b"Name: Demo.Pkg" in metadata.content


def test_psc_project_returns_the_page_data(served_center, client, uploaded):
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        releases.yank(
            release=releases.get_release(
                project=projects.get_project(
                    center=fresh(served_center), name="demo-pkg"
                ),
                version="3.0b1",
            ),
            reason="Broken.",
        )
    transaction.commit()
    answer = get(f"{client.center_url}/demo-pkg/@psc-project")
    assert answer.status_code == 200
    page = answer.json()
    assert page["@id"] == f"{client.center_url}/demo-pkg/@psc-project"
    project = page["project"]
    assert project["title"] == "Demo.Pkg"
    assert project["summary"] == "Version two."
    assert project["latest_version"] == "2.0"
    assert "tiny package" in project["description_html"]
    versions = [release["version"] for release in page["releases"]]
    assert versions == ["3.0b1", "2.0", "1.0"]
    beta, _two, first = page["releases"]
    assert beta["yanked"] is True
    assert beta["yanked_reason"] == "Broken."
    assert beta["files"][0]["yanked_reason"] == "Broken."
    assert len(first["files"]) == 2
    assert first["requires_python"] == ">=3.10"
    assert project["links"]["index"] == f"{client.center_url}/simple/"
    assert project["links"]["json"] == f"{client.center_url}/pypi/demo-pkg/json"


def test_psc_project_is_an_expandable_component(client, uploaded):
    plain = get(f"{client.center_url}/demo-pkg").json()
    link = plain["@components"]["psc-project"]
    assert link == {"@id": f"{client.center_url}/demo-pkg/@psc-project"}
    expanded = get(f"{client.center_url}/demo-pkg?expand=psc-project").json()
    assert expanded["@components"]["psc-project"]["project"]["title"] == "Demo.Pkg"


def test_private_center_needs_credentials(served_center, client, uploaded):
    make_private(served_center)
    for path in ("demo-pkg", "demo-pkg/@psc-project", "demo-pkg/1"):
        url = f"{client.center_url}/{path}"
        anonymous = get(url)
        assert anonymous.status_code == 401, path
        assert "Demo.Pkg" not in anonymous.text
        member = get(url, auth=("alice", "alice-secret"))
        assert member.status_code == 200, path


def test_unknown_project_is_not_found(client, served_center):
    assert get(f"{client.center_url}/nothing/@psc-project").status_code == 404
