"""``psc downloads`` on a real instance, with the access log of a real Apache.

The center's mirror tree is served by Debian's apache2, started here on
loopback with an access log; pip downloads from it, and the counts that
``psc downloads import`` reads from the log reach the listing. The tests
share one instance and run in file order.
"""

from collective.psc.names import file_id
from collective.psc.names import release_id
from pathlib import Path
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.commands import free_port
from tests.fixtures.commands import PSC
from tests.fixtures.commands import run
from tests.fixtures.commands import wait_for
from tests.fixtures.instances import new_instance
from tests.fixtures.instances import psc
from tests.fixtures.servers import logging_apache

import gzip
import json
import pytest
import re
import requests
import subprocess
import sys
import tempfile


pytestmark = pytest.mark.functional

UPLOADS = Path(__file__).parent.parent / "downloads" / "uploads.py"
CENTER = ("--center", "/Plone/pypi")


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return new_instance(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="module")
def mirror(instance, tmp_path_factory):
    """Upload alpha (wheel, sdist) and beta (wheel), mirrored to a tree."""
    root = tmp_path_factory.mktemp("mirror")
    tree = root / "tree"
    added = psc(instance, "mirror", "targets", *CENTER, "--add", str(tree))
    assert added.returncode == 0, added.stderr
    archives = [
        build_wheel(root / "dist", "alpha", "1.0"),
        build_sdist(root / "dist", "alpha", "1.0"),
        build_wheel(root / "dist", "beta", "1.0"),
    ]
    result = run(
        sys.executable,
        str(UPLOADS),
        instance["zope_conf"],
        *map(str, archives),
        cwd=instance["root"],
    )
    assert result.returncode == 0, result.stderr
    synced = psc(instance, "mirror", "resync", *CENTER)
    assert synced.returncode == 0, synced.stderr
    return {"root": root, "tree": tree, "paths": json.loads(result.stdout)}


def pip_download(base: str, requirement: str, directory: Path) -> None:
    result = run(
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-cache-dir",
        "--no-deps",
        "--disable-pip-version-check",
        "--index-url",
        f"{base}/simple/",
        "--dest",
        str(directory),
        requirement,
        cwd=directory.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def serve_downloads(mirror, log, *, pip=(), get=(), head=(), ranges=()):
    """Start Apache on the tree, make the requests, stop it."""
    run_dir = mirror["root"] / "apache"
    with logging_apache(mirror["tree"], run_dir, log=log, prefix="/pypi") as base:
        for requirement in pip:
            pip_download(base, requirement, Path(tempfile.mkdtemp(dir=mirror["root"])))
        for path in get:
            requests.get(f"{base}/{path}", timeout=30)
        for path in head:
            assert requests.head(f"{base}/{path}", timeout=30).status_code == 200
        for path, header in ranges:
            answer = requests.get(
                f"{base}/{path}", headers={"Range": header}, timeout=30
            )
            assert answer.status_code == 206


def counts(output: str) -> dict[str, int]:
    """Return the count lines of psc downloads output, by name."""
    return {
        match[2]: int(match[1])
        for match in re.finditer(r"^ +(\d+)  (\S+)$", output, re.MULTILINE)
    }


def test_import_counts_each_download_once(instance, mirror):
    paths = mirror["paths"]
    wheel, sdist = "alpha-1.0-py3-none-any.whl", "alpha-1.0.tar.gz"
    beta = "beta-1.0-py3-none-any.whl"
    log = mirror["root"] / "access.log"
    serve_downloads(
        mirror,
        log,
        pip=["alpha==1.0", "alpha==1.0", "beta==1.0"],
        get=[paths[sdist], paths[wheel].replace("alpha-1.0", "gamma-1.0")],
        head=[paths[beta]],
        ranges=[(paths[beta], "bytes=100-"), (paths[beta], "bytes=-20")],
    )
    text = log.read_text()
    # pip read the wheels' core metadata first: requested, never counted.
    assert f'GET /pypi/{paths[wheel]}.metadata HTTP/1.1" 200' in text
    assert "HEAD /pypi/" in text and '" 206 ' in text and '" 404 ' in text

    dry = psc(
        instance,
        "downloads",
        "import",
        *CENTER,
        "--prefix",
        "/pypi",
        "--dry-run",
        str(log),
    )
    assert dry.returncode == 0, dry.stderr
    assert "would add 4 downloads of 3 files of 2 projects." in dry.stdout
    assert "Dry run: nothing was changed." in dry.stdout
    shown = psc(instance, "downloads", "show", *CENTER)
    assert counts(shown.stdout) == {}
    assert "Imported from 0 logs:" in shown.stdout

    # Without --prefix only /packages/ and /Plone/pypi/packages/ count.
    unprefixed = psc(instance, "downloads", "import", *CENTER, "--dry-run", str(log))
    assert "would add 0 downloads" in unprefixed.stdout

    first = psc(instance, "downloads", "import", *CENTER, "--prefix", "/pypi", str(log))
    assert first.returncode == 0, first.stderr
    assert "added 4 downloads of 3 files of 2 projects." in first.stdout
    assert counts(first.stdout) == {"alpha": 3, "beta": 1, wheel: 2, sdist: 1, beta: 1}

    again = psc(instance, "downloads", "import", *CENTER, "--prefix", "/pypi", str(log))
    assert again.returncode == 0, again.stderr
    assert "0 new lines" in again.stdout
    assert "added 0 downloads" in again.stdout
    shown = psc(instance, "downloads", "show", *CENTER)
    assert counts(shown.stdout) == {"alpha": 3, "beta": 1}
    assert "Imported from 1 logs:" in shown.stdout


def test_rotated_logs_add_only_their_new_lines(instance, mirror):
    paths = mirror["paths"]
    log = mirror["root"] / "access.log"
    # Apache appends to the imported log, then logrotate renames and
    # compresses it, and Apache starts a new one.
    serve_downloads(mirror, log, pip=["beta==1.0", "beta==1.0", "beta==1.0"])
    rotated = log.with_name("access.log.1.gz")
    with gzip.open(rotated, "wb") as stream:
        stream.write(log.read_bytes())
    log.unlink()
    serve_downloads(
        mirror,
        log,
        pip=["beta==1.0"],
        ranges=[(paths["beta-1.0-py3-none-any.whl"], "bytes=0-")],
    )
    result = psc(
        instance,
        "downloads",
        "import",
        *CENTER,
        "--prefix",
        "/pypi",
        str(rotated),
        str(log),
    )
    assert result.returncode == 0, result.stderr
    reports = result.stdout.split(f"{log}:")
    assert "added 3 downloads of 1 files of 1 projects." in reports[0]
    assert "added 2 downloads of 1 files of 1 projects." in reports[1]
    again = psc(
        instance,
        "downloads",
        "import",
        *CENTER,
        "--prefix",
        "/pypi",
        str(rotated),
        str(log),
    )
    assert again.stdout.count("added 0 downloads") == 2
    shown = psc(instance, "downloads", "show", *CENTER, "--top", "1")
    assert counts(shown.stdout) == {"beta": 6}
    assert "Imported from 2 logs:" in shown.stdout


def test_unknown_files_and_other_lines_are_reported_not_counted(
    instance, mirror, tmp_path
):
    digest = "ab/cd/" + "0" * 60
    log = tmp_path / "other.log"
    log.write_text(
        f'::1 - - [21/Mar/2026:10:00:00 +0000] "GET /Plone/pypi/packages/{digest}/'
        'gone-1.0.tar.gz HTTP/1.1" 200 10 "-" "pip/25.1"\n'
        "a line of another format\n"
    )
    result = psc(instance, "downloads", "import", *CENTER, str(log))
    assert result.returncode == 0, result.stderr
    assert "added 0 downloads of 0 files of 0 projects." in result.stdout
    assert "1  gone-1.0.tar.gz (not in this center, not counted)" in result.stdout
    assert "1 lines are not in the common or combined log format" in result.stdout
    missing = psc(instance, "downloads", "import", *CENTER, str(tmp_path / "nope.log"))
    assert missing.returncode != 0
    assert f"No such log file: {tmp_path / 'nope.log'}." in missing.stderr


def test_listing_sorts_by_downloads_and_file_page_shows_its_count(instance):
    port = free_port()
    server = subprocess.Popen(
        [PSC, "serve", "--var", "var", "--port", str(port)],
        cwd=instance["root"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        center = f"http://127.0.0.1:{port}/Plone/pypi"
        page = wait_for(f"{center}?sort=downloads", server)
        names = re.findall(r'href="[^"]*/Plone/pypi/(alpha|beta|alices-tool)"', page)
        assert list(dict.fromkeys(names)) == ["beta", "alpha", "alices-tool"]
        shown = re.findall(r">\s*(\d+)\s+downloads\s*</small>", page)
        assert shown == ["6", "3", "0"]
        wheel = file_id("beta-1.0-py3-none-any.whl")
        file_page = wait_for(f"{center}/beta/{release_id('1.0')}/{wheel}", server)
        assert re.search(r'id="psc-file-downloads"[^>]*>6<', file_page)
    finally:
        server.terminate()
        server.wait(timeout=60)
