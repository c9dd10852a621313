"""What pip and uv choose from a center: yanks, Requires-Python, upload times."""

from collective.psc.services import projects
from collective.psc.services import releases as release_service
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.installers import run
from tests.fixtures.served import BIN
from tests.fixtures.served import fresh

import datetime
import json
import pytest
import time
import transaction


pytestmark = pytest.mark.functional


@pytest.fixture
def releases(served_center, client, tmp_path):
    """Upload demo-pkg 1.0 and 2.0 a little apart; return the time between them."""
    assert client.upload(build_wheel(tmp_path / "1", "demo-pkg", "1.0")).status == 200
    time.sleep(1.1)
    between = datetime.datetime.now(datetime.UTC)
    time.sleep(1.1)
    assert client.upload(build_wheel(tmp_path / "2", "demo-pkg", "2.0")).status == 200
    return between


def uv_resolve(client, requirement, tmp_path, *options):
    requirements = tmp_path / "requirements.in"
    requirements.write_text(f"{requirement}\n")
    result = run(
        BIN / "uv",
        "pip",
        "compile",
        "--no-cache",
        "-v",
        "--no-header",
        "--index-url",
        f"{client.center_url}/simple/",
        *options,
        requirements,
    )
    assert result.returncode == 0, result.stderr
    pins = [
        line for line in result.stdout.splitlines() if line.startswith("demo-pkg==")
    ]
    return pins[0].split("==")[1], result.stderr


def pip_resolve(client, requirement, venv, *options):
    result = run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--quiet",
        "--no-cache-dir",
        "--report",
        "-",
        "--index-url",
        f"{client.center_url}/simple/",
        *options,
        requirement,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    return report["install"][0]["metadata"]["version"], result.stderr


def test_uv_compile_fetches_only_metadata(served_center, client, releases, tmp_path):
    version, log = uv_resolve(client, "demo-pkg", tmp_path)
    assert version == "2.0"
    fetched = [
        line.split("for: ", 1)[1]
        for line in log.splitlines()
        if "Sending fresh GET request for:" in line and "/packages/" in line
    ]
    assert fetched, log
    assert all(url.endswith(".whl.metadata") for url in fetched), fetched


def yank_2(center):
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        release_service.yank(
            release=release_service.get_release(
                project=projects.get_project(center=fresh(center), name="demo-pkg"),
                version="2.0",
            ),
            reason="bad",
        )
    transaction.commit()


def test_yanked_release_skipped_unless_pinned(
    served_center, client, releases, tmp_path, venv
):
    yank_2(served_center)
    assert uv_resolve(client, "demo-pkg", tmp_path)[0] == "1.0"
    assert uv_resolve(client, "demo-pkg==2.0", tmp_path)[0] == "2.0"
    assert pip_resolve(client, "demo-pkg", venv)[0] == "1.0"
    version, warnings = pip_resolve(client, "demo-pkg==2.0", venv)
    assert version == "2.0"
    assert "yanked" in warnings and "bad" in warnings


def test_requires_python_that_excludes_us_is_skipped(
    served_center,
    client,
    releases,
    tmp_path,
    venv,
):
    newest = build_wheel(tmp_path / "3", "demo-pkg", "3.0", requires_python=">=3.99")
    assert client.upload(newest).status == 200
    assert uv_resolve(client, "demo-pkg", tmp_path)[0] == "2.0"
    assert pip_resolve(client, "demo-pkg", venv)[0] == "2.0"


def test_upload_time_cut_offs(served_center, client, releases, tmp_path, venv):
    cut = releases.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert uv_resolve(client, "demo-pkg", tmp_path, "--exclude-newer", cut)[0] == "1.0"
    assert pip_resolve(client, "demo-pkg", venv, "--uploaded-prior-to", cut)[0] == "1.0"
    assert pip_resolve(client, "demo-pkg", venv)[0] == "2.0"
