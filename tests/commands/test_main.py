"""The psc command on a real instance: init, concurrent uploads, centers, serve.

The tests of this module share one instance and run in file order: the
FileStorage allows one process at a time, as in production.
"""

from pathlib import Path
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import IndexClient
from tests.fixtures.commands import free_port
from tests.fixtures.commands import PSC
from tests.fixtures.commands import run
from tests.fixtures.commands import wait_for

import base64
import hashlib
import json
import pytest
import re
import subprocess
import sys
import urllib.error
import urllib.request


SCRIPT = Path(__file__).parent.parent / "fixtures" / "concurrent_uploads.py"
THREADS = 4

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    root = tmp_path_factory.mktemp("instance")
    port = free_port()
    result = run(PSC, "init", "--var", "var", "--port", str(port), cwd=root)
    assert result.returncode == 0, result.stderr
    return {"root": root, "port": port, "init": result.stdout}


@pytest.fixture(scope="module")
def zope_conf(instance):
    return str(instance["root"] / "var" / "instance" / "etc" / "zope.conf")


def test_init_prints_urls_and_credentials(instance):
    out = instance["init"]
    port = instance["port"]
    assert f"Site:     http://127.0.0.1:{port}/Plone (created)" in out
    assert f"Index:    http://127.0.0.1:{port}/Plone/pypi/ (created)" in out
    password = (instance["root"] / "var" / "admin-password").read_text().strip()
    assert f"Login:    admin / {password}" in out
    assert len(password) >= 12


def test_init_writes_instance_under_var(instance):
    var = instance["root"] / "var"
    assert (var / "filestorage" / "Data.fs").stat().st_size > 0
    assert (var / "blobstorage").is_dir()
    assert oct((var / "admin-password").stat().st_mode & 0o777) == "0o600"
    conf = (var / "instance" / "etc" / "zope.conf").read_text()
    assert f"path {var.resolve()}/filestorage/Data.fs" in conf
    ini = (var / "instance" / "etc" / "zope.ini").read_text()
    assert f"listen = 127.0.0.1:{instance['port']}" in ini


def upload_concurrently(instance, zope_conf, directories):
    result = run(
        sys.executable,
        str(SCRIPT),
        zope_conf,
        "Plone",
        "pypi",
        *map(str, directories),
        cwd=instance["root"],
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_concurrent_uploads_all_land_in_commit_order(instance, zope_conf, tmp_path):
    # First every thread uploads five wheels into one release at once, then
    # every thread creates a new project at once.
    shared, own, expected = [], [], {}
    for thread in range(THREADS):
        for n in range(5):
            tag = str(thread * 10 + n + 1)
            path = build_wheel(
                tmp_path / f"shared{thread}", "shared", "1.0", build_tag=tag
            )
            expected[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        path = build_wheel(tmp_path / f"own{thread}", f"own-{thread}", "0.1")
        expected[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        shared.append(tmp_path / f"shared{thread}")
        own.append(tmp_path / f"own{thread}")
    same_release = upload_concurrently(instance, zope_conf, shared)
    new_projects = upload_concurrently(instance, zope_conf, own)
    for report in (same_release, new_projects):
        assert report["lost"] == [], report["conflict_reasons"]
    report = new_projects
    files = same_release["files"] + report["files"]
    assert {item["filename"]: item["sha256"] for item in files} == expected
    assert all(item["stored"] for item in files)
    serials = [entry["serial"] for entry in report["journal"]]
    assert serials == list(range(1, len(serials) + 1))
    added = {
        entry["filename"]: entry["serial"]
        for entry in report["journal"]
        if entry["action"] == "add file"
    }
    assert set(added) == set(expected)
    # Serials follow commit order: sorted by the transaction that committed
    # them, the files' journal serials rise.
    by_commit = sorted(files, key=lambda item: item["tid"])
    assert [added[item["filename"]] for item in by_commit] == sorted(added.values())
    print(
        "retried conflicts: same release",
        same_release["conflicts"],
        "new projects",
        new_projects["conflicts"],
    )


def test_centers_lists_counts(instance, zope_conf):
    result = run(PSC, "-C", zope_conf, "centers", cwd=instance["root"])
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "/Plone/pypi" in line)
    path, projects, files, serial, *title = row.split()
    assert (projects, files) == (str(1 + THREADS), str(THREADS * 6))
    assert int(serial) >= THREADS * 6
    assert " ".join(title) == "Package index"


def test_init_again_keeps_data(instance):
    result = run(
        PSC,
        "init",
        "--var",
        "var",
        "--port",
        str(instance["port"]),
        cwd=instance["root"],
    )
    assert result.returncode == 0, result.stderr
    assert "(kept)" in result.stdout
    assert "(created)" not in result.stdout


def test_serve_answers_http(instance, tmp_path):
    port = instance["port"]
    server = subprocess.Popen(
        [PSC, "serve", "--var", "var", "--port", str(port)],
        cwd=instance["root"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = wait_for(f"http://127.0.0.1:{port}/Plone/pypi", server)
        assert "Package index" in body
        project = urllib.request.urlopen(
            f"http://127.0.0.1:{port}/Plone/pypi/shared", timeout=30
        )
        assert project.status == 200
        check_refused_upload_leaves_no_blob(instance, tmp_path)
        check_front_page(port)
        check_add_site_page(instance)
        downloaded = download_file(f"http://127.0.0.1:{port}/Plone/pypi", "blob-check")
        check_failed_logins_are_throttled(instance, tmp_path)
        check_data_command_names_the_running_site(instance, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    check_access_log_import(instance, downloaded)


def check_data_command_names_the_running_site(instance, pid: int) -> None:
    """A data command says in one line that the site runs, not with a traceback."""
    zope_conf = str(instance["root"] / "var" / "instance" / "etc" / "zope.conf")
    result = run(PSC, "-C", zope_conf, "centers", cwd=instance["root"])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"The site is running (process {pid}) and holds its database "
        f"{instance['root'] / 'var' / 'filestorage' / 'Data.fs'}; stop it first: "
        "the embedded FileStorage opens in one process at a time (on ZEO or "
        "RelStorage, psc commands run while the site serves)."
    ]


def check_front_page(port: int) -> None:
    """The front page is themed at the printed host and tells how to publish."""
    site = f"http://127.0.0.1:{port}/Plone"
    with urllib.request.urlopen(site, timeout=30) as response:
        page = response.read().decode()
    assert "++theme++barceloneta/css/barceloneta" in page
    assert f'href="{site}/pypi"' in page
    assert f"twine upload --repository-url {site}/pypi/legacy/ dist/*" in page
    assert f"pip install --index-url {site}/pypi/simple/ your-project" in page


def check_add_site_page(instance) -> None:
    """The add-site page offers the distribution; the site was made from it."""
    password = (instance["root"] / "var" / "admin-password").read_text().strip()
    root = f"http://127.0.0.1:{instance['port']}"
    auth = {"Authorization": "Basic " + b64encode(f"admin:{password}")}
    page = urllib.request.Request(f"{root}/@@ploneAddSite", headers=auth)
    with urllib.request.urlopen(page, timeout=30) as response:
        assert "plone-overview" in response.read().decode()
    # The add-site page is a script that lists what this service returns.
    sites = urllib.request.Request(
        f"{root}/@sites", headers={**auth, "Accept": "application/json"}
    )
    with urllib.request.urlopen(sites, timeout=30) as response:
        answer = json.load(response)
    offered = {item["name"]: item["title"] for item in answer["distributions"]}
    assert offered["psc"] == "Python package index"
    made = {item["id"]: item["distribution"] for item in answer["sites"]}
    assert made["Plone"] == "psc"


def b64encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def download_file(center_url: str, project: str) -> str:
    """Download the first file of a project with a plain GET; return its name."""
    request = urllib.request.Request(
        f"{center_url}/simple/{project}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        first = json.load(response)["files"][0]
    with urllib.request.urlopen(first["url"], timeout=30) as response:
        assert hashlib.sha256(response.read()).hexdigest() == first["hashes"]["sha256"]
    return first["filename"]


def check_access_log_import(instance, filename: str) -> None:
    """The access log the pipeline writes counts the download."""
    log = instance["root"] / "var" / "log" / "access.log"
    lines = log.read_text().splitlines()
    assert any(f'/{filename} HTTP/1.1" 200 ' in line for line in lines)
    result = run(
        PSC,
        "downloads",
        "import",
        "--center",
        "/Plone/pypi",
        str(log),
        cwd=instance["root"],
    )
    assert result.returncode == 0, result.stderr
    assert "added 1 downloads of 1 files of 1 projects." in result.stdout
    assert re.search(rf"^\s+1\s+{re.escape(filename)}$", result.stdout, re.M)


def blob_files(var: Path) -> list[Path]:
    return sorted(path for path in (var / "blobstorage").rglob("*") if path.is_file())


def check_refused_upload_leaves_no_blob(instance, tmp_path):
    """A refused upload leaves no blob file; an accepted one leaves one."""
    var = instance["root"] / "var"
    password = (var / "admin-password").read_text().strip()
    client = IndexClient(
        f"http://127.0.0.1:{instance['port']}/Plone/pypi", "admin", password
    )
    wheel = build_wheel(tmp_path, "blob-check", "1.0")
    before = blob_files(var)
    refused = client.upload(wheel, change={"sha256_digest": "0" * 64})
    assert refused.status == 400
    assert blob_files(var) == before
    assert client.upload(wheel).status == 200
    assert len(blob_files(var)) == len(before) + 1


def check_failed_logins_are_throttled(instance, tmp_path):
    """The WSGI pipeline answers 429 after ten failed logins of one user."""
    url = f"http://127.0.0.1:{instance['port']}/Plone/pypi"
    password = (instance["root"] / "var" / "admin-password").read_text().strip()
    wheel = build_wheel(tmp_path / "throttle", "throttle-check", "1.0")
    guesser = IndexClient(url, "admin", "wrong password")
    statuses = [guesser.upload(wheel).status for _attempt in range(11)]
    assert statuses == [403] * 10 + [429]
    refused = IndexClient(url, "admin", password).upload(wheel)
    assert refused.status == 429
    assert "Too many failed logins for 'admin'" in refused.reason
    assert IndexClient(url, "nobody", "x").upload(wheel).status == 403


def test_help_lists_subcommands(instance):
    result = run(PSC, "--help", cwd=instance["root"])
    assert result.returncode == 0
    for command in ("init", "serve", "centers"):
        assert re.search(rf"\b{command}\b", result.stdout)
    assert "$PSC_ZOPE_CONF" in result.stdout


def test_init_and_serve_options_have_help_and_defaults(instance):
    for command in ("init", "serve"):
        result = run(PSC, command, "--help", cwd=instance["root"])
        assert result.returncode == 0
        for option, default in (
            ("--var", "var"),
            ("--host", "127.0.0.1"),
            ("--port", "8080"),
            ("--threads", "4"),
            ("--site-id", "Plone"),
            ("--center-id", "pypi"),
        ):
            help_text = re.search(
                rf"^  {option} \S+\s+(.+?)(?=^  -|\Z)", result.stdout, re.M | re.S
            )
            assert help_text, option
            assert f"(default: {default})" in " ".join(help_text.group(1).split())
