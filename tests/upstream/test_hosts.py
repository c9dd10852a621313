"""Files named by an upstream page come only from that index's host.

Two nginx servers on loopback: the index's host, and another one standing for
an address of the center's own network. A file URL on the other host, or a
redirect to it, is refused before it is asked for: its access log stays
empty.
"""

from collective.psc.upstream import client
from contextlib import contextmanager
from pathlib import Path
from tests.fixtures.servers import checked
from tests.fixtures.servers import free_port
from tests.fixtures.servers import NGINX
from tests.fixtures.servers import NGINX_MAIN
from tests.fixtures.servers import running

import io
import os
import pytest
import time


pytestmark = pytest.mark.functional

SITE = """\
server {{
    listen 127.0.0.1:{port};
    root {root};
    location /moved/ {{ return 302 {target}; }}
}}
"""


@contextmanager
def nginx(root: Path, run_dir: Path, target: str = "/"):
    port = free_port()
    run_dir.mkdir(parents=True)
    site = SITE.format(port=port, root=root, target=target)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = run_dir / "nginx.conf"
    config.write_text(NGINX_MAIN.substitute(user=user, run_dir=run_dir, site=site))
    argv = checked([NGINX, "-p", str(run_dir), "-e", "stderr", "-c", str(config)])
    with running([*argv, "-g", "daemon off;"], port=port, run_dir=run_dir):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def hosts(tmp_path):
    """Serve one file from the index's host and one from another host."""
    for name in ("index", "inside"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "demo-1.0.tar.gz").write_bytes(
            b"archive of " + name.encode()
        )
    with nginx(tmp_path / "inside", tmp_path / "inside-nginx") as inside:
        target = f"{inside}/demo-1.0.tar.gz"
        with nginx(tmp_path / "index", tmp_path / "index-nginx", target) as index:
            yield {
                "index": index,
                "inside": inside,
                "inside_log": tmp_path / "inside-nginx" / "access.log",
            }


def asked(log: Path) -> str:
    """Return what a server's access log holds (its start-up probe asks for /)."""
    return log.read_text() if log.exists() else ""


def fetch(url: str, index_url: str) -> bytes:
    target = io.BytesIO()
    client.download_to(
        url, target, limit=1 << 20, hosts=client.file_hosts(f"{index_url}/simple/")
    )
    return target.getvalue()


def test_a_file_on_the_index_host_is_fetched(hosts):
    body = fetch(f"{hosts['index']}/demo-1.0.tar.gz", hosts["index"])
    assert body == b"archive of index"


def test_a_file_on_another_host_is_refused_unasked(hosts):
    with pytest.raises(client.UpstreamError, match="is not on the upstream index's"):
        fetch(f"{hosts['inside']}/demo-1.0.tar.gz", hosts["index"])
    assert "demo-1.0.tar.gz" not in asked(hosts["inside_log"])


def test_a_redirect_to_another_host_is_refused_unasked(hosts):
    with pytest.raises(client.UpstreamError, match="is not on the upstream index's"):
        fetch(f"{hosts['index']}/moved/demo", hosts["index"])
    assert "demo-1.0.tar.gz" not in asked(hosts["inside_log"])


def test_without_a_host_list_the_redirect_is_followed(hosts):
    # A URL a maintainer imports is fetched as given, redirects included.
    target = io.BytesIO()
    client.download_to(f"{hosts['index']}/moved/demo", target, limit=1 << 20)
    assert target.getvalue() == b"archive of inside"
    # nginx logs a request after it answered it: wait for the line.
    deadline = time.monotonic() + 10
    while "demo-1.0.tar.gz" not in asked(hosts["inside_log"]):
        assert time.monotonic() < deadline, asked(hosts["inside_log"])
        time.sleep(0.05)


def test_pypi_files_come_from_its_file_host():
    assert client.file_hosts("https://pypi.org/simple/") == {
        "pypi.org",
        "files.pythonhosted.org",
    }
    assert client.file_hosts("http://127.0.0.1:8080/simple/") == {"127.0.0.1:8080"}
