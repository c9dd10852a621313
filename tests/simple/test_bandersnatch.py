"""bandersnatch 8 mirrors a center at the root of its own host name.

bandersnatch refuses file URLs whose path does not start with ``/packages``,
so the center is made the root of ``127.0.0.1:<port>`` with a virtual host
mapping, as a production index at ``https://pypi.example.org/`` would be.
"""

from pathlib import Path
from tests.fixtures.builder import build_wheel
from tests.fixtures.installers import pip_install
from tests.fixtures.installers import run
from tests.fixtures.served import BIN
from tests.fixtures.served import virtual_host_monster

import http.server
import pytest
import shutil
import sys
import threading
import transaction


BANDERSNATCH = "bandersnatch==8.2.0"

pytestmark = pytest.mark.functional


def python_312() -> str | None:
    """Return a Python 3.12 or newer on this machine (bandersnatch 8 needs one)."""
    for name in ("python3.14", "python3.13", "python3.12"):
        found = shutil.which(name)
        if found and run(found, "--version").returncode == 0:
            return found
    candidates = sorted(Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python3"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture(scope="session")
def bandersnatch(tmp_path_factory):
    """Return the bandersnatch command, installed in a virtualenv of its own."""
    python = python_312()
    if python is None:
        pytest.skip("bandersnatch 8 needs Python 3.12 or newer; none is installed")
    venv = tmp_path_factory.mktemp("bandersnatch") / "venv"
    result = run(BIN / "uv", "venv", "--quiet", "--python", python, venv)
    assert result.returncode == 0, result.stderr
    result = run(
        BIN / "uv",
        "pip",
        "install",
        "--quiet",
        "--python",
        venv / "bin" / "python",
        BANDERSNATCH,
    )
    assert result.returncode == 0, result.stderr
    return venv / "bin" / "bandersnatch"


@pytest.fixture
def host_rooted(served_center, client):
    """Map 127.0.0.1:<port> to the center; return the host's base URL."""
    port = client.center_url.split(":")[2].split("/")[0]
    virtual_host_monster().set_map(f"127.0.0.1:{port}/plone/pypi")
    transaction.commit()
    return f"http://127.0.0.1:{port}"


def mirror(bandersnatch, master, directory):
    config = directory.parent / "bandersnatch.conf"
    config.write_text(
        "[mirror]\n"
        f"directory = {directory}\n"
        f"master = {master}\n"
        "allow-non-https = true\n"
        "json = true\n"
        "release-files = true\n"
        "workers = 1\n"
        "timeout = 10\n"
        "global-timeout = 300\n"
        "stop-on-error = true\n"
        "hash-index = false\n"
        "simple-format = ALL\n"
        "compare-method = hash\n"
        "digest_name = sha256\n"
    )
    return run(bandersnatch, "-c", config, "mirror")


@pytest.fixture
def static_server(tmp_path):
    """Serve a directory over HTTP on loopback; return (directory, base URL)."""
    directory = tmp_path / "mirror"
    directory.mkdir()
    web = directory / "web"
    web.mkdir()
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *args, directory=str(web)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield directory, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def files_below(path: Path) -> dict[str, float]:
    return {
        str(item.relative_to(path)): item.stat().st_mtime_ns
        for item in path.rglob("*")
        if item.is_file()
    }


def test_bandersnatch_mirrors_and_pip_installs_from_the_mirror(
    served_center, client, host_rooted, bandersnatch, static_server, tmp_path
):
    first = build_wheel(tmp_path / "a", "demo-pkg", "1.0")
    assert client.upload(first).status == 200
    directory, mirror_url = static_server
    result = mirror(bandersnatch, host_rooted, directory)
    assert result.returncode == 0, result.stdout + result.stderr
    packages = directory / "web" / "packages"
    mirrored = files_below(packages)
    assert [Path(name).name for name in mirrored if name.endswith(".whl")] == [
        first.name
    ]
    assert (directory / "web" / "simple" / "demo-pkg" / "index.html").exists()

    second = build_wheel(tmp_path / "b", "demo-pkg", "2.0")
    other = build_wheel(tmp_path / "b", "other-pkg", "0.1")
    assert client.upload(second).status == 200
    assert client.upload(other).status == 200
    result = mirror(bandersnatch, host_rooted, directory)
    assert result.returncode == 0, result.stdout + result.stderr
    again = files_below(packages)
    names = sorted(Path(name).name for name in again if name.endswith(".whl"))
    assert names == sorted([first.name, second.name, other.name])
    # The incremental run fetched only what changed: the first wheel was
    # neither downloaded nor rewritten.
    unchanged = [name for name in mirrored if name.endswith(".whl")]
    assert all(again[name] == mirrored[name] for name in unchanged)

    venv = tmp_path / "venv"
    assert (
        run(BIN / "uv", "venv", "--seed", "--python", sys.executable, venv).returncode
        == 0
    )
    pip = pip_install(venv, f"{mirror_url}/simple/", "demo-pkg==2.0", "other-pkg")
    assert pip.returncode == 0, pip.stdout + pip.stderr
