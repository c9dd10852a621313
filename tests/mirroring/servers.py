"""Start a real Apache or nginx on a tree; compare what it serves with the center.

Debian's apache2 and nginx serve a mirror tree with what ``psc mirror
apache`` and ``psc mirror nginx`` print, each from a run directory of its
own (configuration, pid file, logs), on a free port.
"""

from collections.abc import Iterator
from collective.psc.mirroring.serving import apache_config
from collective.psc.mirroring.serving import nginx_config
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import json
import os
import requests
import shutil
import socket
import string
import subprocess
import time
import urllib.error
import urllib.request


APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

JSON = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
PIP = f"{JSON}, {HTML_V1}; q=0.1, text/html; q=0.01"
UV = f"{JSON}, {HTML_V1};q=0.2, text/html;q=0.01"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# What installers, mirrors and browsers send, and mixes of q-values,
# wildcards and spellings that a negotiation by pattern would get wrong.
ACCEPT_HEADERS = [
    None,
    "",
    "*/*",
    PIP,
    UV,
    BROWSER,
    "text/html",
    JSON,
    HTML_V1,
    "application/vnd.pypi.simple.latest+json",
    "application/vnd.pypi.simple.latest+html",
    "text/*",
    "application/*",
    "image/png",
    f"{JSON};q=0",
    f"{JSON};q=0.5, text/html",
    f"{JSON};q=0.5, text/html;q=0.5",
    f"text/html;q=0.9, {HTML_V1};q=0.8, {JSON};q=0.7",
    f"{HTML_V1}, {JSON}",
    f"{JSON}; q=0.001, */*; q=0.002",
    f"*/*;q=0.1, {JSON};q=0.05",
    f"text/*;q=1, {HTML_V1};q=0.5",
    "application/*;q=0.3, text/html;q=0.2",
    f"{JSON};q=bogus, text/html;q=0.1",
    f"TEXT/HTML;Q=0.4, {JSON.upper()};q=0.3",
]

# The combined format with the Range header after it: the psc_range format
# of docs/pages.rst.
ACCESS_LOG = (
    '\nLogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{{Referer}}i\\" '
    '\\"%{{User-Agent}}i\\" \\"%{{Range}}i\\"" psc_range\n'
    'CustomLog "{log}" psc_range\n'
)

# What nginx.conf around the printed site needs to run from a run directory
# without touching /var or /run. As root the workers would run as nobody,
# who cannot read a test's temporary directory.
NGINX_MAIN = string.Template("""\
${user}worker_processes 1;
pid ${run_dir}/nginx.pid;
error_log ${run_dir}/error.log warn;
events {
    worker_connections 64;
}
http {
    access_log ${run_dir}/access.log;
    client_body_temp_path ${run_dir}/client_body;
    proxy_temp_path ${run_dir}/proxy;
    fastcgi_temp_path ${run_dir}/fastcgi;
    uwsgi_temp_path ${run_dir}/uwsgi;
    scgi_temp_path ${run_dir}/scgi;
${site}}
""")


def free_port() -> int:
    """Return a TCP port nobody listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(argv: list[str], *, port: int, run_dir: Path) -> Iterator[None]:
    """Run a server until the block ends, from when it answers on ``port``."""
    with (run_dir / "stderr.log").open("wb") as stderr:
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, run_dir)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(url: str, process: subprocess.Popen, run_dir: Path) -> None:
    """Wait until the server answers, or fail with its logs."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logs = "".join(path.read_text() for path in sorted(run_dir.glob("*.log")))
            raise AssertionError(f"{process.args[0]} exited: {logs}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{process.args[0]} did not answer {url} within 30 s")


def checked(argv: list[str]) -> list[str]:
    """Return a server's command line after its configuration test passed."""
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return argv


@contextmanager
def running_apache(
    tree: Path, run_dir: Path, *, prefix: str = "", directives: str = ""
) -> Iterator[str]:
    """Serve a tree with Apache until the block ends; yield its base URL."""
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "apache2.conf"
    site = apache_config(
        tree=tree,
        listen=f"127.0.0.1:{port}",
        server_name="127.0.0.1",
        prefix=prefix,
        run_dir=run_dir,
    )
    config.write_text(site + directives)
    argv = checked([APACHE, "-f", str(config)])
    with running([*argv, "-DFOREGROUND"], port=port, run_dir=run_dir):
        yield f"http://127.0.0.1:{port}{prefix}"


@contextmanager
def logging_apache(
    tree: Path, run_dir: Path, *, log: Path, prefix: str = ""
) -> Iterator[str]:
    """Serve a tree with Apache, logging each request to ``log``; yield its URL."""
    directives = ACCESS_LOG.format(log=log)
    with running_apache(tree, run_dir, prefix=prefix, directives=directives) as base:
        yield base


@contextmanager
def running_nginx(tree: Path, run_dir: Path, *, prefix: str = "") -> Iterator[str]:
    """Serve a tree with nginx until the block ends; yield its base URL."""
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    site = nginx_config(
        tree=tree, listen=f"127.0.0.1:{port}", server_name="127.0.0.1", prefix=prefix
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config.write_text(NGINX_MAIN.substitute(user=user, run_dir=run_dir, site=site))
    argv = checked([NGINX, "-p", str(run_dir), "-e", "stderr", "-c", str(config)])
    with running([*argv, "-g", "daemon off;"], port=port, run_dir=run_dir):
        yield f"http://127.0.0.1:{port}{prefix}"


def get(url: str, accept: str | None) -> requests.Response:
    """Return a page or file that must be there, asked for with an Accept header."""
    headers = {} if accept is None else {"Accept": accept}
    answer = requests.get(url, headers=headers, timeout=30)
    assert answer.status_code == 200, (url, accept, answer.status_code)
    return answer


def resolved(answer: requests.Response, base: str) -> dict | list:
    """Return a page's links made absolute and then relative to ``base``."""
    text = answer.text
    if answer.headers["Content-Type"] == JSON:
        page = json.loads(text)
        for entry in page.get("files", []):
            entry["url"] = urljoin(answer.url, entry["url"]).removeprefix(base)
        for entry in page.get("projects", []):
            entry.pop("_url", None)
        return page
    return [
        urljoin(answer.url, href).removeprefix(base)
        for href in (part.split('"', 1)[0] for part in text.split('href="')[1:])
    ]


def same_page(live_base: str, mirror_base: str, page: str, accept: str | None) -> None:
    """Check that the tree answers a simple page as the center does."""
    live = get(f"{live_base}/simple/{page}", accept)
    mirror = get(f"{mirror_base}/simple/{page}", accept)
    assert mirror.headers["Content-Type"] == live.headers["Content-Type"], accept
    assert mirror.headers["Vary"] == "Accept"
    assert resolved(mirror, mirror_base) == resolved(live, live_base), accept


def same_files(live_base: str, mirror_base: str) -> None:
    """Check that the tree serves an archive and its metadata as the center does."""
    page = get(f"{mirror_base}/simple/demo-pkg/", JSON).json()
    entry = page["files"][0]
    url = urljoin(f"{mirror_base}/simple/demo-pkg/", entry["url"])
    live_url = url.replace(mirror_base, live_base)
    for suffix in (".metadata", ""):
        mirror, live = get(url + suffix, None), get(live_url + suffix, None)
        assert mirror.content == live.content
        assert mirror.headers["Content-Type"] == live.headers["Content-Type"]
    head = requests.head(url, timeout=30)
    assert head.headers["Content-Length"] == str(entry["size"])
    partial = requests.get(url, headers={"Range": "bytes=0-9"}, timeout=30)
    assert partial.status_code == 206
    assert partial.content == mirror.content[:10]
