"""A site on ZEO or on RelStorage: the site and psc commands use the data at once.

For ZEO, ``psc zeo`` holds the FileStorage and ``psc serve --zeo-address``
runs the site as its client; for RelStorage, a PostgreSQL server from
Debian's package (started on loopback) holds the data and ``psc serve
--relstorage-dsn`` runs the site on it. ``psc`` data commands and a second
process that uploads run beside the site against the live database; the
write conflicts on the center's journal are resolved (by the ZEO server, or
by each RelStorage client).
"""

from collections.abc import Iterator
from pathlib import Path
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import IndexClient
from tests.fixtures.databases import BIN
from tests.fixtures.databases import free_port
from tests.fixtures.databases import PSC
from tests.fixtures.databases import served_site
from tests.fixtures.databases import zeo_server
from tests.fixtures.postgres import postgres_server
from tests.fixtures.postgres import server_bin

import hashlib
import json
import pytest
import subprocess
import sys
import urllib.error
import urllib.request


SCRIPT = Path(__file__).parent.parent / "fixtures" / "concurrent_uploads.py"

pytestmark = pytest.mark.functional


def psc(root: Path, *args: str) -> subprocess.CompletedProcess:
    zope_conf = str(root / "var" / "instance" / "etc" / "zope.conf")
    return subprocess.run(
        [PSC, "-C", zope_conf, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module", params=["zeo", "relstorage"])
def served(request, tmp_path_factory):
    """Run the site on a ZEO server or on RelStorage; stop all after the module."""
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "zeo":
        with zeo_server(root / "var") as options:
            yield from serve(root, request.param, options)
    else:
        if server_bin() is None:
            pytest.fail("Debian's postgresql package is missing (make system-packages)")
        with postgres_server() as dsn:
            yield from serve(root, request.param, ["--relstorage-dsn", dsn])


def serve(root: Path, backend: str, options: list[str]) -> Iterator[dict]:
    """Run ``psc serve`` with the database options until the module is done."""
    with served_site(root, options) as site:
        yield {"root": root, "center_url": site["center_url"], "backend": backend}


def test_zope_conf_names_the_database(served):
    path = served["root"] / "var" / "instance" / "etc" / "zope.conf"
    conf = path.read_text()
    assert "<filestorage>" not in conf
    if served["backend"] == "zeo":
        assert "%import ZEO" in conf
        assert "<clientstorage>" in conf
        # Read-your-writes across instances: sync() waits for invalidations.
        assert "server-sync on" in conf
    else:
        assert "%import relstorage" in conf
        assert "keep-history false" in conf
        # The DSN may hold a password: only the owner reads the file.
        assert path.stat().st_mode & 0o077 == 0


def test_a_data_command_runs_while_the_site_serves(served):
    result = psc(served["root"], "centers")
    assert result.returncode == 0, result.stderr
    assert "/Plone/pypi" in result.stdout


def test_uploads_from_the_site_and_a_command_land_together(served, tmp_path):
    root = served["root"]
    password = (root / "var" / "admin-password").read_text().strip()
    client = IndexClient(served["center_url"], "admin", password)
    expected = {}
    # Another process uploads into the same release through the ZEO server
    # while the site takes uploads over HTTP: both write the same journal.
    directories = []
    for thread in range(2):
        directory = tmp_path / f"script{thread}"
        for n in range(4):
            path = build_wheel(directory, "shared", "1.0", build_tag=f"{thread}{n}")
            expected[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        directories.append(directory)
    over_http = []
    for n in range(6):
        path = build_wheel(tmp_path / "http", "shared", "1.0", build_tag=f"9{n}")
        expected[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        over_http.append(path)
    zope_conf = str(root / "var" / "instance" / "etc" / "zope.conf")
    script = subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
            zope_conf,
            "Plone",
            "pypi",
            *map(str, directories),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    statuses = [client.upload(path).status for path in over_http]
    output, errors = script.communicate(timeout=600)
    assert script.returncode == 0, errors
    assert statuses == [200] * len(over_http)
    report = json.loads(output)
    assert report["lost"] == [], report["conflict_reasons"]
    # What the command's process wrote, the site reads at once, and the
    # other way round: one simple page lists every file with its hash.
    page = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(
                f"{served['center_url']}/simple/shared/",
                headers={"Accept": "application/vnd.pypi.simple.v1+json"},
            ),
            timeout=30,
        ).read()
    )
    listed = {entry["filename"]: entry["hashes"]["sha256"] for entry in page["files"]}
    assert listed == expected
    serials = [entry["serial"] for entry in report["journal"]]
    assert serials == sorted(set(serials))
    result = psc(root, "centers")
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if "/Plone/pypi" in row)
    assert line.split()[1:3] == ["1", str(len(expected))]


def test_zodbconvert_moves_a_filestorage_center_into_relstorage(tmp_path):
    if server_bin() is None:
        pytest.fail("Debian's postgresql package is missing (make system-packages)")
    root = tmp_path
    init = subprocess.run(
        [PSC, "init", "--var", "var", "--port", str(free_port())],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    expected = {}
    directories = []
    for thread in range(2):
        directory = tmp_path / f"archives{thread}"
        for n in range(3):
            path = build_wheel(directory, f"moved-{thread}", f"1.{n}")
            expected[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        directories.append(directory)
    zope_conf = str(root / "var" / "instance" / "etc" / "zope.conf")
    uploaded = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            zope_conf,
            "Plone",
            "pypi",
            *map(str, directories),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert uploaded.returncode == 0, uploaded.stderr
    journal = json.loads(uploaded.stdout)["journal"]
    var = (root / "var").resolve()
    with postgres_server() as dsn:
        config = root / "convert.conf"
        config.write_text(
            "%import relstorage\n"
            "<filestorage source>\n"
            f"    path {var}/filestorage/Data.fs\n"
            f"    blob-dir {var}/blobstorage\n"
            "</filestorage>\n"
            "<relstorage destination>\n"
            "    keep-history false\n"
            f"    blob-dir {root}/convert-blobs\n"
            "    shared-blob-dir false\n"
            "    <postgresql>\n"
            f"        dsn {dsn}\n"
            "    </postgresql>\n"
            "</relstorage>\n"
        )
        converted = subprocess.run(
            [str(BIN / "zodbconvert"), str(config)],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert converted.returncode == 0, converted.stderr
        # The FileStorage goes away: the site can only read PostgreSQL now.
        (var / "filestorage" / "Data.fs").rename(var / "filestorage" / "Data.fs.moved")
        for site in serve(root, "relstorage", ["--relstorage-dsn", dsn]):
            center_url = site["center_url"]
            for project in ("moved-0", "moved-1"):
                answer = urllib.request.urlopen(
                    urllib.request.Request(
                        f"{center_url}/simple/{project}/",
                        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
                    ),
                    timeout=30,
                )
                page = json.loads(answer.read())
                serial = max(
                    entry["serial"] for entry in journal if entry["project"] == project
                )
                assert page["meta"]["_last-serial"] == serial
                for entry in page["files"]:
                    assert entry["hashes"]["sha256"] == expected[entry["filename"]]
                    with urllib.request.urlopen(entry["url"], timeout=30) as archive:
                        body = archive.read()
                    assert (
                        hashlib.sha256(body).hexdigest() == expected[entry["filename"]]
                    )
                    expected.pop(entry["filename"])
            root_page = urllib.request.urlopen(f"{center_url}/simple/", timeout=30)
            last = max(entry["serial"] for entry in journal)
            assert root_page.headers["X-PyPI-Last-Serial"] == str(last)
    assert expected == {}
