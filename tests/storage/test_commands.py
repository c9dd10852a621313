"""``psc storage`` and crashes on a real instance served by a real WSGI server.

One instance, tests in file order (the FileStorage allows one process at a
time): uploads into blobs, a dry run, a migration to the filesystem that is
killed and resumed, upload storms during which the server is SIGKILLed, and
the migration back.
"""

from collective.psc.storage.filesystem import archive_name
from collective.psc.storage.recovery import list_contents
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import IndexClient
from tests.fixtures.commands import free_port
from tests.fixtures.commands import PSC
from tests.fixtures.commands import run
from tests.fixtures.commands import run_psc
from tests.fixtures.commands import wait_for

import hashlib
import os
import pytest
import requests
import signal
import subprocess
import sys
import threading
import time


pytestmark = pytest.mark.functional

RUNWSGI = str(Path(sys.executable).with_name("runwsgi"))
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
CENTER = "/Plone/pypi"
UPLOADERS = 4
MOVED = 30


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    root = tmp_path_factory.mktemp("storage-instance")
    port = free_port()
    result = run(PSC, "init", "--var", "var", "--port", str(port), cwd=root)
    assert result.returncode == 0, result.stderr
    var = root / "var"
    return {
        "root": root,
        "port": port,
        "var": var,
        "archives": var / "archives",
        "zope_conf": str(var / "instance" / "etc" / "zope.conf"),
        "password": (var / "admin-password").read_text().strip(),
        "uploaded": {},
    }


def psc(instance, *args: str) -> subprocess.CompletedProcess:
    return run_psc("-C", instance["zope_conf"], *args, cwd=instance["root"])


def start(instance) -> subprocess.Popen:
    server = subprocess.Popen(
        [RUNWSGI, str(instance["var"] / "instance" / "etc" / "zope.ini")],
        cwd=instance["root"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_for(center_url(instance), server)
    return server


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=60)


def center_url(instance) -> str:
    return f"http://127.0.0.1:{instance['port']}{CENTER}"


def client(instance) -> IndexClient:
    return IndexClient(center_url(instance), "admin", instance["password"])


def wheels(directory: Path, name: str, count: int, size: int = 0) -> list[Path]:
    """Build wheels with incompressible padding, so uploads take a while."""
    return [
        build_wheel(
            directory,
            name,
            "1.0",
            build_tag=str(n + 1),
            extra_files={"padding.bin": os.urandom(size)} if size else None,
        )
        for n in range(count)
    ]


def database_files(instance) -> dict[str, str]:
    """Return filename -> sha256 of every file the served index lists."""
    auth = ("admin", instance["password"])
    headers = {"Accept": SIMPLE_JSON}
    root = requests.get(
        f"{center_url(instance)}/simple/", headers=headers, auth=auth, timeout=60
    ).json()
    files = {}
    for project in root["projects"]:
        page = requests.get(
            f"{center_url(instance)}/simple/{project['name']}/",
            headers=headers,
            auth=auth,
            timeout=60,
        ).json()
        for entry in page["files"]:
            served = requests.get(entry["url"], auth=auth, timeout=60).content
            assert hashlib.sha256(served).hexdigest() == entry["hashes"]["sha256"]
            files[entry["filename"]] = entry["hashes"]["sha256"]
    return files


def assert_disk_matches(instance, files: dict[str, str]) -> None:
    """Every file the index lists is on disk, and nothing else is."""
    contents = list_contents(instance["archives"])
    assert contents.temporary == []
    expected = sorted(archive_name(sha, name) for name, sha in files.items())
    assert contents.archives == expected


def test_uploads_go_to_blobs_by_default(instance, tmp_path):
    server = start(instance)
    try:
        for path in wheels(tmp_path, "moved", MOVED, 1 << 20):
            assert client(instance).upload(path).status == 200
            instance["uploaded"][path.name] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    finally:
        stop(server)


def test_use_refuses_a_strategy_that_cannot_work(instance):
    result = psc(instance, "storage", "use", "--center", CENTER, "filesystem")
    assert result.returncode == 1
    assert "needs a directory" in result.stderr
    result = psc(instance, "storage", "use", "--center", CENTER, "nosuch")
    assert result.returncode == 1
    assert "No archive storage named 'nosuch'" in result.stderr


def test_use_filesystem_creates_the_directory(instance):
    result = psc(
        instance,
        "storage",
        "use",
        "--center",
        CENTER,
        "filesystem",
        "--path",
        "archives",
    )
    assert result.returncode == 0, result.stderr
    assert instance["archives"].is_dir()
    assert "go to the 'filesystem' storage" in result.stdout


def test_dry_run_changes_nothing(instance):
    result = psc(
        instance,
        "storage",
        "migrate",
        "--center",
        CENTER,
        "--to",
        "filesystem",
        "--dry-run",
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("would")]
    assert len(lines) == MOVED
    assert all(line.endswith("from blob to filesystem") for line in lines)
    assert f"{MOVED} of {MOVED} files would move" in result.stdout
    assert list_contents(instance["archives"]).archives == []


def test_killed_migration_resumes(instance):
    migration = subprocess.Popen(
        [PSC, "-C", instance["zope_conf"], "storage", "migrate"]
        + ["--center", CENTER, "--to", "filesystem", "--batch", "1"],
        cwd=instance["root"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    # Archives appear only when a batch commits: kill after the first one.
    while not list_contents(instance["archives"]).archives:
        assert migration.poll() is None, migration.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    migration.send_signal(signal.SIGKILL)
    migration.wait()
    moved = len(list_contents(instance["archives"]).archives)
    assert 1 <= moved < MOVED

    result = psc(
        instance,
        "storage",
        "migrate",
        "--center",
        CENTER,
        "--to",
        "filesystem",
        "--batch",
        "2",
    )
    assert result.returncode == 0, result.stderr
    left = MOVED - moved
    assert f"Moved {left} of {left} files" in result.stdout
    assert "100%|" in result.stderr  # the progress bar
    result = psc(instance, "storage", "verify", "--center", CENTER)
    assert result.returncode == 0, result.stdout
    assert f"Checked {MOVED} files: 0 problems." in result.stdout
    expected = sorted(
        archive_name(sha, name) for name, sha in instance["uploaded"].items()
    )
    contents = list_contents(instance["archives"])
    assert contents.archives == expected
    assert contents.temporary == []


def storm(instance, batches: list[list[Path]], kill_after: int, server):
    """Upload from several threads; SIGKILL the server after some answers."""
    answered: dict[str, str] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def uploader(paths: list[Path]) -> None:
        for path in paths:
            try:
                answer = client(instance).upload(path)
            except requests.RequestException:
                return
            if answer.status != 200:
                continue
            with lock:
                answered[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
                if len(answered) >= kill_after and not killed.is_set():
                    killed.set()
                    server.send_signal(signal.SIGKILL)

    with ThreadPoolExecutor(len(batches)) as pool:
        list(pool.map(uploader, batches))
    assert killed.is_set(), "the storm ended before the kill"
    server.wait(timeout=60)
    return answered


@pytest.mark.parametrize("kill_after", [1, 7])
def test_kill_during_an_upload_storm(instance, tmp_path, kill_after):
    batches = [
        wheels(tmp_path / f"own{n}", f"storm-{kill_after}-{n}", 6, 512 * 1024)
        for n in range(UPLOADERS - 1)
    ]
    batches.append(
        wheels(tmp_path / "shared", f"storm-shared-{kill_after}", 12, 256 * 1024)[::-1]
    )
    answered = storm(instance, batches, kill_after, start(instance))
    instance["uploaded"].update(answered)
    left = list_contents(instance["archives"]).temporary
    server = start(instance)
    try:
        files = database_files(instance)
    finally:
        stop(server)
    for filename, sha256 in instance["uploaded"].items():
        assert files.get(filename) == sha256, filename
    assert_disk_matches(instance, files)
    print(
        f"kill after {kill_after}: {len(answered)} answered, {len(files)} in the "
        f"index, {len(left)} temporary files settled at start-up"
    )


def test_migrate_back_to_blobs_removes_the_files(instance):
    result = psc(instance, "storage", "migrate", "--center", CENTER, "--to", "blob")
    assert result.returncode == 0, result.stderr
    assert list_contents(instance["archives"]).archives == []
    result = psc(instance, "storage", "verify", "--center", CENTER)
    assert result.returncode == 0, result.stdout
    server = start(instance)
    try:
        files = database_files(instance)
    finally:
        stop(server)
    for filename, sha256 in instance["uploaded"].items():
        assert files.get(filename) == sha256, filename
