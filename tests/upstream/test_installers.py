"""pip and uv against a center with a real upstream index (nginx on loopback).

The upstream holds a malicious ``acme-internal 99.0`` beside the center's
own ``acme-internal 1.0``, a reserved-looking ``acme-secret``, a merged
project whose dependency exists only upstream, a file of another project
smuggled onto a page, and a project whose file changes its bytes.
"""

from collective.psc.upstream.cache import PAGES
from collective.psc.upstream.files import pinned
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import read_metadata
from tests.fixtures.installers import pip_install
from tests.fixtures.installers import run
from tests.fixtures.served import BIN
from tests.fixtures.served import fresh
from tests.fixtures.servers import running_nginx
from tests.fixtures.upstream import configure
from tests.fixtures.upstream import requested
from tests.fixtures.upstream import running_plain_nginx

import hashlib
import pytest
import requests
import sys
import transaction


pytestmark = pytest.mark.functional

JSON = "application/vnd.pypi.simple.v1+json"


def installed(venv) -> dict[str, str]:
    """Return the distributions of a virtualenv by name."""
    listed = run(BIN / "uv", "pip", "list", "--python", venv / "bin" / "python")
    rows = [line.split() for line in listed.stdout.splitlines()[2:]]
    return {row[0]: row[1] for row in rows if len(row) == 2}


def new_venv(path):
    """Make another virtualenv for a second installation."""
    result = run(BIN / "uv", "venv", "--seed", "--python", sys.executable, path)
    assert result.returncode == 0, result.stderr
    return path


def page(client, name: str) -> requests.Response:
    """Return the center's simple page of a name, as JSON."""
    return requests.get(
        f"{client.center_url}/simple/{name}/", headers={"Accept": JSON}, timeout=30
    )


def test_local_name_wins_and_reserved_names_are_never_asked(index, venv):
    client, upstream = index["client"], index["upstream"]
    pip = pip_install(venv, f"{client.center_url}/simple/", "acme-internal")
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert installed(venv)["acme-internal"] == "1.0"
    assert page(client, "acme-secret").status_code == 404
    pip = pip_install(venv, f"{client.center_url}/simple/", "acme-secret")
    assert pip.returncode != 0
    asked = requested(upstream["log"])
    assert not [path for path in asked if "acme" in path], asked


def test_spelling_variants_reach_the_local_project(index):
    client = index["client"]
    answer = page(index["client"], "Acme_Internal")
    assert answer.history and answer.history[0].status_code == 301
    assert [entry["filename"] for entry in answer.json()["files"]] == [
        "acme_internal-1.0-py3-none-any.whl"
    ]
    merged = page(client, "shared-lib").json()
    filenames = [entry["filename"] for entry in merged["files"]]
    assert filenames == [
        "shared_lib-1.0-py3-none-any.whl",
        "shared_lib-2.0-py3-none-any.whl",
    ]


def test_merged_project_installs_with_its_upstream_dependency(index, venv):
    client = index["client"]
    pip = pip_install(venv, f"{client.center_url}/simple/", "shared-lib")
    assert pip.returncode == 0, pip.stdout + pip.stderr
    packages = installed(venv)
    assert packages["shared-lib"] == "2.0"
    assert packages["upstream-dep"] == "1.0"
    other = new_venv(venv.parent / "uv-venv")
    uv = run(
        BIN / "uv",
        "pip",
        "install",
        "--python",
        other / "bin" / "python",
        "--no-cache",
        "--index-url",
        f"{client.center_url}/simple/",
        "shared-lib==1.0",
        "upstream-dep",
    )
    assert uv.returncode == 0, uv.stderr
    assert installed(other)["shared-lib"] == "1.0"
    names = [
        project["name"]
        for project in requests.get(
            f"{client.center_url}/simple/", headers={"Accept": JSON}, timeout=30
        ).json()["projects"]
    ]
    assert "upstream-dep" in names


def test_changed_upstream_file_is_refused_and_the_cached_one_served(
    index, static_index, served_center, venv
):
    client = index["client"]
    url = f"{client.center_url}/simple/"
    pip = pip_install(venv, url, "changing")
    assert pip.returncode == 0, pip.stdout + pip.stderr
    [pinned] = page(client, "changing").json()["files"]
    changed = build_wheel(
        index["built"] / "two", "changing", "1.0", summary="Other bytes, same name."
    )
    static_index.replace(changed)
    [served] = page(client, "changing").json()["files"]
    assert served["hashes"] == pinned["hashes"]
    archive = requests.get(served["url"], timeout=30)
    assert archive.status_code == 200
    assert archive.content != changed.read_bytes()
    report = requests.get(
        f"{client.center_url}/@@upstream-conflicts.json",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=30,
    ).json()
    [refused] = report["refused"]
    assert refused["filename"] == "changing-1.0-py3-none-any.whl"
    assert refused["pinned_sha256"] == pinned["hashes"]["sha256"]
    assert refused["offered_sha256"] != pinned["hashes"]["sha256"]
    shadowed = {row["name"]: row for row in report["shadowed"]}
    assert shadowed["acme-internal"]["versions"] == ["99.0"]
    assert shadowed["acme-secret"]["reserved"] == "acme-*"
    again = pip_install(new_venv(venv.parent / "again"), url, "changing")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "changing" not in fresh(served_center).objectIds()


def test_cached_project_installs_with_the_upstream_stopped(
    served_center, client, static_index, tmp_path, venv
):
    static_index.publish("changing", build_wheel(tmp_path / "built", "changing", "1.0"))
    with running_nginx(static_index.root, tmp_path / "nginx") as base:
        configure(served_center, upstream_urls=[f"{base}/simple/"], upstream_ttl=0)
        url = f"{client.center_url}/simple/"
        first = pip_install(venv, url, "changing")
        assert first.returncode == 0, first.stdout + first.stderr
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/simple/", timeout=5)
    # As after a restart: only what the ZODB keeps is left.
    PAGES.clear()
    later = pip_install(new_venv(tmp_path / "later"), url, "changing")
    assert later.returncode == 0, later.stdout + later.stderr
    assert page(client, "never-fetched").status_code == 404


def test_extra_index_url_installs_the_malicious_version(index, venv):
    client, upstream = index["client"], index["upstream"]
    pip = pip_install(
        venv,
        f"{client.center_url}/simple/",
        "--extra-index-url",
        upstream["url"],
        "acme-internal",
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert installed(venv)["acme-internal"] == "99.0"


def test_core_metadata_is_fetched_checked_and_kept(index, static_index, venv):
    client, upstream = index["client"], index["upstream"]
    wheel = build_wheel(
        index["built"] / "meta",
        "with-metadata",
        "1.0",
        metadata_extra={"Requires-Dist": "upstream-dep"},
    )
    static_index.publish("with-metadata", wheel)
    static_index.offer_metadata(wheel)
    [served] = page(client, "with-metadata").json()["files"]
    expected = read_metadata(wheel)
    assert served["core-metadata"] == {"sha256": hashlib.sha256(expected).hexdigest()}
    answer = requests.get(f"{served['url']}.metadata", timeout=30)
    assert answer.status_code == 200
    assert answer.content == expected
    pip = pip_install(venv, f"{client.center_url}/simple/", "with-metadata")
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert installed(venv)["upstream-dep"] == "1.0"
    asked = requested(upstream["log"])
    assert asked.count(f"/packages/{wheel.name}.metadata") == 1, asked


def test_bytes_that_do_not_match_the_page_are_refused_and_not_kept(
    index, static_index, served_center
):
    client = index["client"]
    static_index.publish(
        "tampered", build_wheel(index["built"] / "tampered", "tampered", "1.0")
    )
    [served] = page(client, "tampered").json()["files"]
    target = static_index.root / "packages" / served["filename"]
    target.write_bytes(target.read_bytes() + b"tampered")
    answer = requests.get(served["url"], timeout=30)
    assert answer.status_code == 502
    assert "another sha256" in answer.text
    transaction.begin()
    assert pinned(fresh(served_center), served["filename"]) is None


def test_an_html_only_upstream_is_read(
    served_center, client, static_index, tmp_path, venv
):
    wheel = build_wheel(tmp_path / "built", "html-only", "1.0")
    static_index.publish("html-only", wheel)
    with running_plain_nginx(static_index.root, tmp_path / "plain") as url:
        plain = requests.get(f"{url}html-only/", headers={"Accept": JSON}, timeout=30)
        assert plain.headers["Content-Type"].startswith("text/html")
        configure(served_center, upstream_urls=[url], upstream_ttl=0)
        [served] = page(client, "html-only").json()["files"]
        assert (
            served["hashes"]["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
        )
        pip = pip_install(venv, f"{client.center_url}/simple/", "html-only")
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert installed(venv)["html-only"] == "1.0"
