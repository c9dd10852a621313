"""Real clients (twine, uv publish, twine register) upload into a running server."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import build_project
from tests.fixtures.served import fresh

import hashlib
import os
import pytest
import subprocess
import sys
import transaction


BIN = Path(sys.executable).parent
TWINE_61 = "6.1.0"

pytestmark = pytest.mark.functional


def run(*args, env=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        cwd=cwd,
        check=False,
    )


def twine(*args, executable=None, **kwargs) -> subprocess.CompletedProcess:
    return run(
        executable or BIN / "twine",
        *args,
        "--non-interactive",
        "--disable-progress-bar",
        **kwargs,
    )


def upload_with_twine(
    url,
    *paths,
    username=SITE_OWNER_NAME,
    password=SITE_OWNER_PASSWORD,
    options=(),
    executable=None,
):
    return twine(
        "upload",
        *options,
        "--repository-url",
        url,
        "-u",
        username,
        "-p",
        password,
        *paths,
        executable=executable,
    )


def uv_publish(url, *paths, password=SITE_OWNER_PASSWORD):
    return run(
        BIN / "uv",
        "publish",
        "--publish-url",
        url,
        "--username",
        SITE_OWNER_NAME,
        "--password",
        password,
        *paths,
    )


@pytest.fixture(scope="session")
def twine61(tmp_path_factory):
    """Return the twine of version 6.1, in a virtualenv of its own."""
    venv = tmp_path_factory.mktemp("twine61") / "venv"
    uv = BIN / "uv"
    subprocess.run(
        [uv, "venv", "--quiet", "--python", sys.executable, venv], check=True
    )
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            venv / "bin" / "python",
            f"twine=={TWINE_61}",
        ],
        check=True,
        timeout=600,
    )
    return venv / "bin" / "twine"


def test_twine_uploads_wheel_and_sdist_of_a_real_project(
    served_center, client, demo_dists
):
    result = upload_with_twine(client.upload_url, *demo_dists)
    assert result.returncode == 0, result.stdout + result.stderr
    served_center = fresh(served_center)
    project = served_center["psc-demo"]
    files = {item.filename: item for item in project["1"].files()}
    assert sorted(files) == sorted(path.name for path in demo_dists)
    for path in demo_dists:
        assert files[path.name].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # The project page takes its data from the file's metadata.
    assert project.title == "psc-demo"
    assert project.description == "A tiny real project that the tests build and upload."
    assert "<em>tiny</em>" in project.long_description_html
    assert project.long_description_content_type == "text/x-rst"
    assert project.license_expression == "MIT"
    assert "Framework :: Plone :: 6.2" in project.classifiers
    assert project.compatibility == ["6.1", "6.2"]
    assert ("Source", "https://example.org/psc-demo/src") in project.project_url_pairs()
    assert project.keywords == ["plone", "demo"]
    release = project["1"]
    assert release.maturity == "final"
    assert release.requires_python == ">=3.9"
    assert "Owner" in project.get_local_roles_for_userid(SITE_OWNER_NAME)


def test_uv_publish(served_center, client, tmp_path):
    dists = build_project(tmp_path, "2.0b1")
    result = uv_publish(client.upload_url, *dists)
    assert result.returncode == 0, result.stderr
    release = fresh(served_center)["psc-demo"]["2b1"]
    assert sorted(item.filename for item in release.files()) == sorted(
        path.name for path in dists
    )
    assert release.maturity == "beta"


def test_uv_publish_wrong_password_shows_the_sentence(served_center, client, tmp_path):
    dists = build_project(tmp_path, "1.0")
    result = uv_publish(client.upload_url, *dists, password="wrong")
    assert result.returncode != 0
    # uv wraps its messages to the terminal's width.
    shown = " ".join(result.stderr.split())
    assert "Invalid or non-existent authentication information" in shown
    assert "psc-demo" not in fresh(served_center)


def test_twine_register_creates_project_and_release(served_center, client, demo_dists):
    sdist = next(path for path in demo_dists if path.name.endswith(".tar.gz"))
    result = twine(
        "register",
        "--repository-url",
        client.upload_url,
        "-u",
        SITE_OWNER_NAME,
        "-p",
        SITE_OWNER_PASSWORD,
        sdist,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    project = fresh(served_center)["psc-demo"]
    assert list(project.objectIds()) == ["1"]
    assert project["1"].files() == []
    assert project.description == "A tiny real project that the tests build and upload."
    assert project.compatibility == ["6.1", "6.2"]


def test_twine_shows_the_reason_of_a_refusal(served_center, client, demo_dists):
    result = upload_with_twine(client.upload_url, *demo_dists, password="wrong")
    assert result.returncode != 0
    assert "403" in result.stdout + result.stderr
    shown = " ".join((result.stdout + result.stderr).split())
    assert "Invalid or non-existent authentication" in shown


def test_twine_61_skip_existing(served_center, client, tmp_path, twine61):
    first = build_wheel(tmp_path / "a", "demo-pkg", "1.0")
    assert upload_with_twine(client.upload_url, first).returncode == 0
    changed = build_wheel(tmp_path / "b", "demo-pkg", "1.0", summary="Other bytes.")
    again = build_wheel(tmp_path / "c", "demo-pkg", "1.1")
    without = upload_with_twine(client.upload_url, changed, executable=twine61)
    assert without.returncode != 0
    assert "File already exists" in without.stdout + without.stderr
    skipping = upload_with_twine(
        client.upload_url,
        changed,
        again,
        options=["--skip-existing"],
        executable=twine61,
    )
    assert skipping.returncode == 0, skipping.stdout + skipping.stderr
    assert "Skipping" in skipping.stdout + skipping.stderr
    served_center = fresh(served_center)
    stored = served_center["demo-pkg"]["1"].files()[0]
    assert stored.sha256 == hashlib.sha256(first.read_bytes()).hexdigest()
    assert [item.filename for item in served_center["demo-pkg"]["1.1"].files()] == [
        again.name
    ]


def test_pypirc_with_two_servers(served_center, portal_server, tmp_path):
    from plone import api

    with api.env.adopt_roles(["Manager"]):
        api.content.create(
            container=portal_server, type="SoftwareCenter", id="intranet", title="Two"
        )
    transaction.commit()
    base = portal_server.absolute_url()
    pypirc = tmp_path / ".pypirc"
    pypirc.write_text(
        "[distutils]\n"
        "index-servers =\n    public\n    intranet\n\n"
        f"[public]\nrepository = {base}/pypi/legacy/\n"
        f"username = {SITE_OWNER_NAME}\npassword = {SITE_OWNER_PASSWORD}\n\n"
        f"[intranet]\nrepository = {base}/intranet/legacy/\n"
        f"username = {SITE_OWNER_NAME}\npassword = {SITE_OWNER_PASSWORD}\n"
    )
    one = build_wheel(tmp_path / "one", "only-public", "1.0")
    two = build_wheel(tmp_path / "two", "only-intranet", "1.0")
    for section, path in (("public", one), ("intranet", two)):
        result = twine("upload", "--config-file", pypirc, "-r", section, path)
        assert result.returncode == 0, result.stdout + result.stderr
    transaction.begin()
    portal = fresh(served_center).aq_parent
    assert list(portal["pypi"].objectIds()) == ["only-public"]
    assert list(portal["intranet"].objectIds()) == ["only-intranet"]


def test_parallel_uploads_into_one_release_all_land(served_center, client, tmp_path):
    wheels = [
        build_wheel(tmp_path / str(tag), "demo-pkg", "1.0", build_tag=str(tag))
        for tag in range(1, 5)
    ]
    with ThreadPoolExecutor(max_workers=len(wheels)) as pool:
        results = list(
            pool.map(lambda path: upload_with_twine(client.upload_url, path), wheels)
        )
    assert [result.returncode for result in results] == [0] * len(wheels), [
        result.stdout + result.stderr for result in results
    ]
    served_center = fresh(served_center)
    release = served_center["demo-pkg"]["1"]
    assert sorted(item.filename for item in release.files()) == sorted(
        path.name for path in wheels
    )
    serials = [entry.serial for entry in served_center.journal.entries()]
    assert serials == list(range(1, len(serials) + 1))


def test_twine_with_project_scoped_token(served_center, client, tmp_path):
    from collective.psc.tokens.store import create_token
    from plone import api

    alice_wheel = build_wheel(tmp_path / "a", "alices-tool", "1.0")
    other_wheel = build_wheel(tmp_path / "b", "other-tool", "1.0")
    assert client.upload(alice_wheel, auth=("alice", "alice-secret")).status == 200
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        _info, token = create_token(
            center=fresh(served_center), user_id="alice", project="alices-tool"
        )
    transaction.commit()
    second = build_wheel(tmp_path / "c", "alices-tool", "2.0")
    result = upload_with_twine(
        client.upload_url, second, username="__token__", password=token
    )
    assert result.returncode == 0, result.stdout + result.stderr
    refused = upload_with_twine(
        client.upload_url, other_wheel, username="__token__", password=token
    )
    assert refused.returncode != 0
    assert "scoped to project 'alices-tool'" in refused.stdout + refused.stderr
    wrong = upload_with_twine(
        client.upload_url, second, username="__token__", password=token + "x"
    )
    assert "Invalid or non-existent authentication" in wrong.stdout + wrong.stderr
    served_center = fresh(served_center)
    assert "other-tool" not in served_center
    release = served_center["alices-tool"]["2"]
    assert [item.uploader for item in release.files()] == ["alice"]
