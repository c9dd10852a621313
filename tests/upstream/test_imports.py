"""Release import with provenance: through the form, against the nginx upstream."""

from collective.psc.exceptions import ImportRefused
from collective.psc.upstream.imports import parse_spec
from collective.psc.upstream.imports import url_entry
from plone import api
from plone.protect.authenticator import createToken
from tests.fixtures.served import fresh
from tests.fixtures.upstream import requested

import hashlib
import pytest
import requests
import transaction


ALICE = ("alice", "alice-secret")
DEP_WHEEL = "upstream_dep-1.0-py3-none-any.whl"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("upstream-dep==1.0", ("upstream-dep", "1.0")),
        (" Upstream_Dep == 1.0.0 ", ("upstream-dep", "1.0.0")),
    ],
)
def test_spec(spec, expected):
    assert parse_spec(spec) == expected


@pytest.mark.parametrize(
    "spec", ["upstream-dep", "upstream-dep>=1.0", "upstream-dep==1.*", "==1.0"]
)
def test_spec_must_name_one_release(spec):
    with pytest.raises(ImportRefused, match="name==version"):
        parse_spec(spec)


@pytest.mark.parametrize(
    "url",
    [
        "https://index.example/demo-1.0.tar.gz",
        "https://index.example/demo-1.0.tar.gz#md5=" + "0" * 32,
        "https://index.example/demo-1.0.tar.gz#sha256=abc",
        "file:///etc/demo-1.0.tar.gz#sha256=" + "0" * 64,
    ],
)
def test_url_must_carry_a_sha256(url):
    with pytest.raises(ImportRefused):
        url_entry(url)


def test_url_entry_keeps_no_credentials():
    digest = "A" * 64
    entry = url_entry(
        f"https://user:pw@index.example/p/demo-1.0.tar.gz#sha256={digest}"
    )
    assert entry["filename"] == "demo-1.0.tar.gz"
    assert entry["hashes"] == {"sha256": "a" * 64}
    assert entry["source"] == "https://index.example/p/demo-1.0.tar.gz"


def post_import(url: str, spec: str) -> requests.Response:
    """Post the import form as alice, with her CSRF token."""
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        token = createToken()
    return requests.post(
        f"{url}/@@import-release",
        data={"spec": spec, "form.import": "1", "_authenticator": token},
        auth=ALICE,
        allow_redirects=False,
        timeout=60,
    )


@pytest.fixture
def importer(index, served_center):
    """Let alice create projects on the center (the Contributor role)."""
    transaction.begin()
    fresh(served_center).manage_setLocalRoles("alice", ["Contributor"])
    transaction.commit()
    return index


def snapshot(center) -> tuple:
    """Return what an import changes: the journal, the projects and the filenames."""
    target = fresh(center)
    return (
        target.journal.last_serial,
        sorted(target.objectIds()),
        dict(target.filenames),
    )


@pytest.mark.functional
def test_import_records_provenance(importer, served_center):
    url = importer["client"].center_url
    upstream = importer["upstream"]
    answer = post_import(url, "Upstream_Dep==1.0")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{url}/upstream-dep/1"
    assert "/packages/" + DEP_WHEEL in requested(upstream["log"])
    target = fresh(served_center)
    [distribution] = target["upstream-dep"]["1"].files()
    data = (importer["built"] / "dep" / DEP_WHEEL).read_bytes()
    origin = distribution.provenance
    assert origin["source"] == upstream["url"]
    assert origin["url"] == upstream["url"].replace("simple/", "packages/") + DEP_WHEEL
    assert origin["sha256"] == hashlib.sha256(data).hexdigest() == distribution.sha256
    assert origin["size"] == len(data)
    assert origin["upload_time"] == "2026-01-01T00:00:00.000000Z"
    assert origin["importer"] == "alice" == distribution.uploader
    assert target["upstream-dep"].description
    document = requests.get(f"{url}/pypi/upstream-dep/json", timeout=30).json()
    [entry] = document["urls"]
    assert entry["provenance"]["sha256"] == origin["sha256"]
    assert entry["url"].startswith(f"{url}/packages/")
    site = url.rsplit("/", 1)[0]
    serialized = requests.get(
        f"{site}/++api++/pypi/upstream-dep/1/{distribution.getId()}", timeout=30
    ).json()
    assert serialized["provenance"]["source"] == upstream["url"]
    local = requests.get(f"{url}/pypi/shared-lib/1.0/json", timeout=30).json()
    assert local["urls"][0]["provenance"] is None
    page = requests.get(distribution.absolute_url(), timeout=30).text
    assert 'id="psc-file-provenance"' in page
    assert upstream["url"] in page
    again = post_import(url, "upstream-dep==1.0")
    assert again.status_code == 302
    assert len(fresh(served_center)["upstream-dep"]["1"].files()) == 1


@pytest.mark.functional
def test_a_wrong_hash_keeps_nothing(importer, served_center):
    url = importer["client"].center_url
    before = snapshot(served_center)
    wheel = importer["upstream"]["url"].replace("simple/", "packages/") + DEP_WHEEL
    answer = post_import(url, f"{wheel}#sha256={'0' * 64}")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{url}/@@import-release"
    assert snapshot(served_center) == before
    assert (
        requests.get(f"{url}/pypi/upstream-dep/json", timeout=30)
        .json()["urls"][0]["url"]
        .startswith(f"{url}/upstream-files/")
    )


@pytest.mark.functional
def test_an_invalid_archive_is_refused_as_an_upload_is(
    importer, served_center, static_index, tmp_path
):
    broken = tmp_path / "broken" / "broken_tool-1.0-py3-none-any.whl"
    broken.parent.mkdir()
    broken.write_bytes(b"not a zip archive")
    static_index.publish("broken-tool", broken)
    before = snapshot(served_center)
    answer = post_import(importer["client"].center_url, "broken-tool==1.0")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/@@import-release")
    assert snapshot(served_center) == before


@pytest.mark.functional
def test_reserved_names_are_never_imported_from_upstream(importer, served_center):
    before = snapshot(served_center)
    answer = post_import(importer["client"].center_url, "acme-secret==1.0")
    assert answer.headers["Location"].endswith("/@@import-release")
    assert snapshot(served_center) == before
    assert not any(
        "acme-secret" in path or "acme_secret" in path
        for path in requested(importer["upstream"]["log"])
    )


@pytest.mark.functional
def test_an_import_into_a_project_needs_its_upload_permission(importer, served_center):
    before = snapshot(served_center)
    url = importer["client"].center_url
    answer = post_import(url, "shared-lib==2.0")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{url}/@@import-release"
    assert snapshot(served_center) == before
    page = requests.get(
        f"{url}/shared-lib/@@import-release",
        auth=ALICE,
        allow_redirects=False,
        timeout=30,
    )
    assert page.status_code == 302
    assert "require_login" in page.headers["Location"]
