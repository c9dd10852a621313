"""Upload the same wheels with twine into collective.psc, devpi-server and pypiserver.

Each server is started on 127.0.0.1 in a temporary directory, gets one
``twine upload`` of all the wheels (and, with ``--parallel K``, K more twine
processes at once), is checked to hold every file, and is stopped before the
next one starts. devpi-server, pypiserver and twine live in a virtualenv of
their own (``--peers-venv``), created on the first run, so that their
dependencies never meet Plone's. Prints files per second for each server.

Usage: .venv/bin/python benchmarks/upload.py [--servers psc,devpi,pypiserver]
"""

from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import argparse
import base64
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


REPO = Path(__file__).resolve().parent.parent
DEFAULT_PEERS_VENV = REPO / ".venv-bench-peers"
PEER_REQUIREMENTS = (
    "devpi-server==6.20.3",
    "pypiserver[passlib]==2.4.2",
    "passlib==1.7.4",
    "waitress==3.0.2",
    "twine==7.0.0",
)
PEERS_STAMP = ".bench-requirements"
SERVER_KEYS = (
    "psc",
    "psc-zeo",
    "psc-relstorage",
    "psc-zeo-1",
    "psc-zeo-2",
    "psc-relstorage-1",
    "psc-relstorage-2",
    "devpi",
    "pypiserver",
)
#: What runs without --servers: each database once, and two instances on ZEO.
DEFAULT_SERVERS = (
    "psc",
    "psc-zeo",
    "psc-relstorage",
    "psc-zeo-2",
    "devpi",
    "pypiserver",
)
BASELINE = "devpi"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
# Twine asks no keyring for a password given with -p; keep it from trying.
TWINE_ENV = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}


class BenchmarkError(Exception):
    """A server or an upload failed in a way that makes the numbers worthless."""


@dataclass(frozen=True)
class Response:
    """The parts of an HTTP response the benchmark looks at."""

    status: int
    body: bytes
    content_type: str


@dataclass
class Run:
    """One timed upload into one server."""

    key: str
    server: str
    processes: int
    files: int
    seconds: float
    failed: bool
    note: str = ""
    stored: str = ""

    @property
    def rate(self) -> float:
        """Return the files uploaded per second."""
        return self.files / self.seconds if self.seconds else 0.0


def request(
    method: str,
    url: str,
    *,
    auth: tuple[str, str] | None = None,
    payload: dict[str, object] | None = None,
    accept: str = "*/*",
    timeout: float = 30.0,
) -> Response:
    """Send one HTTP request; an HTTP error status is a response, not an error."""
    headers = {"Accept": accept}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Response(resp.status, resp.read(), resp.headers["Content-Type"])
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), error.headers["Content-Type"] or "")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 20) -> str:
    """Return the last lines of a log file, indented."""
    if not path.exists():
        return f"    ({path} was not written)"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return "\n".join(f"    {line}" for line in text)


def say(message: str) -> None:
    """Print a progress line on standard error."""
    print(message, file=sys.stderr, flush=True)


def spawn(argv: Sequence[str | Path], log: Path) -> subprocess.Popen[bytes]:
    """Start a server in its own process group, its output going to a log file."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(arg) for arg in argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a process group started by spawn: SIGTERM, then SIGKILL after 30 s."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def check_call(argv: Sequence[str | Path], log: Path, timeout: float = 600) -> str:
    """Run a command to completion and return its output; fail with its log."""
    result = subprocess.run(
        [str(arg) for arg in argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    log.write_text(result.stdout + result.stderr)
    if result.returncode:
        raise BenchmarkError(
            f"{' '.join(map(str, argv))} exited with {result.returncode}:\n{tail(log)}"
        )
    return result.stdout


def dist_version(python: Path, name: str) -> str:
    """Return the installed version of a distribution in another environment."""
    code = f"import importlib.metadata as m; print(m.version({name!r}))"
    result = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, timeout=60
    )
    return result.stdout.strip() or "unknown"


def ensure_peers_venv(venv: Path, python: str) -> Path:
    """Create or update the peers' virtualenv once; return its bin directory."""
    bin_dir = venv / "bin"
    wanted = "\n".join(PEER_REQUIREMENTS) + "\n"
    stamp = venv / PEERS_STAMP
    if stamp.exists() and stamp.read_text() == wanted:
        return bin_dir
    say(f"installing {', '.join(PEER_REQUIREMENTS)} into {venv} ...")
    venv.parent.mkdir(parents=True, exist_ok=True)
    log = venv.parent / f"{venv.name}-install.log"
    if not (bin_dir / "python").exists():
        check_call([python, "-m", "venv", venv], log)
    pip = [bin_dir / "python", "-m", "pip", "--disable-pip-version-check"]
    check_call([*pip, "install", "--quiet", *PEER_REQUIREMENTS], log, timeout=1200)
    stamp.write_text(wanted)
    return bin_dir


def build_wheels(directory: Path, count: int, projects: int, prefix: str) -> list[Path]:
    """Write tiny valid wheels spread over projects and versions; return them."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.fixtures.builder import build_wheel

    return [
        build_wheel(directory, f"{prefix}-{i % projects:03d}", f"1.0.{i // projects}")
        for i in range(count)
    ]


def project_names(paths: Sequence[Path]) -> list[str]:
    """Return the normalized project names of wheel files, each once."""
    names = {path.name.split("-")[0].replace("_", "-") for path in paths}
    return sorted(names)


class AnchorCounter(HTMLParser):
    """Count the links of a PEP 503 simple project page."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Count one file for each anchor."""
        if tag == "a":
            self.count += 1


def simple_file_count(response: Response) -> int:
    """Return how many files a simple project page (JSON or HTML) lists."""
    if "json" in response.content_type:
        return len(json.loads(response.body)["files"])
    parser = AnchorCounter()
    parser.feed(response.body.decode(errors="replace"))
    return parser.count


class Server:
    """A package index run in a work directory on 127.0.0.1 for one benchmark."""

    key = ""
    title = ""
    start_timeout = 120.0

    def __init__(self, work: Path, peers_bin: Path, port: int) -> None:
        self.work = work
        self.peers_bin = peers_bin
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = work / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.username = "bench"
        self.password = secrets.token_urlsafe(16)

    @property
    def upload_url(self) -> str:
        """Return the URL twine uploads to."""
        raise NotImplementedError

    @property
    def ready_url(self) -> str:
        """Return a URL that answers once the server is up."""
        return self.base + "/"

    def version(self) -> str:
        """Return the version of the server software."""
        raise NotImplementedError

    def prepare(self) -> None:
        """Create what the server needs before it starts."""

    def command(self) -> list[str | Path]:
        """Return the command line that serves the index in the foreground."""
        raise NotImplementedError

    def configure(self) -> None:
        """Set the server up for uploads once it answers."""

    def stored_files(self, projects: Sequence[str]) -> tuple[int | None, str]:
        """Count the files the running server holds, and say how it was counted."""
        raise NotImplementedError

    def stored_files_after_stop(self) -> tuple[int | None, str]:
        """Count the files once the server is stopped, if it was not possible before."""
        return None, "not checked"

    def start(self) -> None:
        """Start the server and wait until it answers."""
        self.work.mkdir(parents=True)
        self.prepare()
        started = time.monotonic()
        self.process = spawn(self.command(), self.log)
        deadline = started + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(
                    f"{self.title} exited with {self.process.returncode}:\n"
                    f"{tail(self.log)}"
                )
            try:
                request("GET", self.ready_url, timeout=5)
            except OSError:
                time.sleep(0.5)
                continue
            self.configure()
            say(f"{self.title} ready in {time.monotonic() - started:.1f} s")
            return
        raise BenchmarkError(
            f"{self.title} did not answer within {self.start_timeout:.0f} s:\n"
            f"{tail(self.log)}"
        )

    def stop(self) -> None:
        """Stop the server; safe to call more than once."""
        stop_process(self.process)


class PscServer(Server):
    """This project's software center, started with ``psc serve``."""

    key = "psc"
    title = "collective.psc"
    start_timeout = 600.0

    def __init__(self, work: Path, peers_bin: Path, port: int, psc_bin: Path) -> None:
        super().__init__(work, peers_bin, port)
        self.psc_bin = psc_bin
        self.var = work / "var"
        # The path of the site below the server's root (nginx maps it to /).
        self.site_path = "/Plone"
        self.center = f"{self.base}/Plone/pypi"
        self.username = "admin"

    @property
    def upload_url(self) -> str:
        """Return the center's legacy upload endpoint."""
        return f"{self.center}/legacy/"

    @property
    def ready_url(self) -> str:
        """Return the center's URL."""
        return self.center + "/"

    def version(self) -> str:
        """Return the version of collective.psc in the project's environment."""
        return dist_version(self.psc_bin.with_name("python"), "collective.psc")

    def command(self) -> list[str | Path]:
        """Return ``psc serve`` on a fresh var directory."""
        return [self.psc_bin, "serve", "--var", self.var, "--port", str(self.port)]

    def configure(self) -> None:
        """Read the admin password that ``psc init`` wrote."""
        self.password = (self.var / "admin-password").read_text().strip()

    def stored_files(self, projects: Sequence[str]) -> tuple[int | None, str]:
        """Count the files on the center's simple project pages, if they exist."""
        total = 0
        auth = (self.username, self.password)
        for project in projects:
            url = f"{self.center}/simple/{project}/"
            response = request("GET", url, auth=auth, accept=SIMPLE_JSON)
            if response.status == 404 and total == 0:
                return None, "no simple pages"
            if response.status != 200:
                return None, f"GET {url} answered {response.status}"
            total += simple_file_count(response)
        return total, "simple pages"

    def stored_files_after_stop(self) -> tuple[int | None, str]:
        """Count the center's files with ``psc centers`` on the stopped instance."""
        zope_conf = self.var / "instance" / "etc" / "zope.conf"
        output = check_call(
            [self.psc_bin, "-C", zope_conf, "centers"], self.work / "centers.log"
        )
        for line in output.splitlines():
            fields = line.split()
            if fields and fields[0] == "/Plone/pypi":
                return int(fields[2]), "psc centers"
        return None, "center missing from psc centers"


class PscZeoServer(PscServer):
    """collective.psc on a ZEO server (``psc zeo``) of its own."""

    key = "psc-zeo"
    title = "psc on ZEO"
    #: The database server: "zeo", or "relstorage" (PostgreSQL).
    backend = "zeo"

    def __init__(self, work: Path, peers_bin: Path, port: int, psc_bin: Path) -> None:
        super().__init__(work, peers_bin, port, psc_bin)
        self.helpers: list[subprocess.Popen[bytes]] = []
        self.database: list[str] = []
        self.stack = ExitStack()

    def prepare(self) -> None:
        """Start the database server: ZEO on the work directory, or PostgreSQL."""
        if self.backend == "relstorage":
            # Debian's PostgreSQL on loopback, with a database.
            if str(REPO) not in sys.path:
                sys.path.insert(0, str(REPO))
            from tests.fixtures.postgres import postgres_server

            dsn = self.stack.enter_context(postgres_server())
            self.database = ["--relstorage-dsn", dsn]
            return
        zeo_port = free_port()
        address = f"127.0.0.1:{zeo_port}"
        data = self.work / "data"
        self.helpers.append(
            spawn(
                [self.psc_bin, "zeo", "--var", data, "--address", address],
                self.work / "zeo.log",
            )
        )
        wait_for_port(zeo_port, self.helpers[-1], self.work / "zeo.log")
        self.database = ["--zeo-address", address]

    def command(self) -> list[str | Path]:
        """Return ``psc serve`` as a client of the ZEO server."""
        return [*super().command(), *self.database]

    def stored_files_after_stop(self) -> tuple[int | None, str]:
        """Nothing to count once the database server is stopped too."""
        return None, "not checked"

    def stop(self) -> None:
        """Stop the site, then the database."""
        super().stop()
        for helper in reversed(self.helpers):
            stop_process(helper)
        self.stack.close()


class PscRelStorageServer(PscZeoServer):
    """collective.psc on RelStorage in a PostgreSQL server of its own."""

    key = "psc-relstorage"
    title = "psc on RelStorage"
    backend = "relstorage"


class PscTwoInstances(PscZeoServer):
    """Two collective.psc instances on one ZEO server behind nginx, round-robin."""

    key = "psc-zeo-2"
    title = "psc 2x ZEO+nginx"
    instances = ("a", "b")

    def __init__(self, work: Path, peers_bin: Path, port: int, psc_bin: Path) -> None:
        super().__init__(work, peers_bin, port, psc_bin)
        self.password = "bench-admin-password"
        self.site_path = ""
        self.center = f"{self.base}/pypi"

    def start(self) -> None:
        """Start ZEO, the instances one after the other, then nginx on the port."""
        self.work.mkdir(parents=True)
        self.prepare()
        started = time.monotonic()
        # Both instances get the same admin password (the first one makes
        # the user).
        os.environ["PSC_ADMIN_PASSWORD"] = self.password
        instances = []
        for name in self.instances:
            port = free_port()
            process = spawn(
                [self.psc_bin, "serve", "--var", self.work / name, "--port", str(port)]
                + self.database,
                self.work / f"{name}.log",
            )
            self.helpers.append(process)
            # The first instance stands for the site (its memory is reported).
            self.process = self.process or process
            wait_for_url(
                f"http://127.0.0.1:{port}/Plone/pypi/",
                process,
                self.work / f"{name}.log",
            )
            instances.append(f"127.0.0.1:{port}")
        del os.environ["PSC_ADMIN_PASSWORD"]
        run_dir = self.work / "nginx"
        run_dir.mkdir()
        site = check_call(
            [self.psc_bin, "balancer", "nginx", "--listen", f"127.0.0.1:{self.port}"]
            + ["--server-name", "127.0.0.1"]
            + [item for instance in instances for item in ("--instance", instance)],
            self.work / "balancer.log",
        )
        user = "user root root;\n" if os.geteuid() == 0 else ""
        config = run_dir / "nginx.conf"
        config.write_text(
            f"{user}worker_processes 1;\npid {run_dir}/nginx.pid;\n"
            f"error_log {run_dir}/error.log warn;\n"
            "events { worker_connections 256; }\n"
            f"http {{\naccess_log off;\nclient_body_temp_path {run_dir}/body;\n"
            f"proxy_temp_path {run_dir}/proxy;\n{site}}}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.helpers.append(
            spawn(
                [
                    nginx,
                    "-p",
                    run_dir,
                    "-e",
                    "stderr",
                    "-c",
                    config,
                    "-g",
                    "daemon off;",
                ],
                self.work / "nginx.log",
            )
        )
        wait_for_url(self.ready_url, self.helpers[-1], self.work / "nginx.log")
        self.configure()
        say(f"{self.title} ready in {time.monotonic() - started:.1f} s")

    def configure(self) -> None:
        """The admin password is the one given to both instances."""

    def stop(self) -> None:
        """Stop nginx, the instances, then the database."""
        for helper in reversed(self.helpers):
            stop_process(helper)
        self.stack.close()


class PscOneBehindNginx(PscTwoInstances):
    """One instance on ZEO behind the same nginx: the baseline of scaling out."""

    key = "psc-zeo-1"
    title = "psc 1x ZEO+nginx"
    instances = ("a",)


class PscRelStorageTwoInstances(PscTwoInstances):
    """Two instances on one PostgreSQL (RelStorage) behind nginx, round-robin."""

    key = "psc-relstorage-2"
    title = "psc 2x RelStorage+nginx"
    backend = "relstorage"


class PscRelStorageOneBehindNginx(PscRelStorageTwoInstances):
    """One instance on RelStorage behind the same nginx."""

    key = "psc-relstorage-1"
    title = "psc 1x RelStorage+nginx"
    instances = ("a",)


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until something listens on a loopback port, or fail with the log."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"{process.args} exited:\n{tail(log)}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise BenchmarkError(f"nothing listens on {port}:\n{tail(log)}")


def wait_for_url(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until a URL answers, or fail with the log."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"{process.args} exited:\n{tail(log)}")
        try:
            request("GET", url, timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise BenchmarkError(f"{url} did not answer:\n{tail(log)}")


class DevpiServer(Server):
    """devpi-server with one user and one non-volatile index without bases."""

    key = "devpi"
    title = "devpi-server"
    index = "dev"

    @property
    def upload_url(self) -> str:
        """Return the index URL twine uploads to."""
        return f"{self.base}/{self.username}/{self.index}/"

    @property
    def ready_url(self) -> str:
        """Return devpi's API description."""
        return self.base + "/+api"

    def version(self) -> str:
        """Return the installed devpi-server version."""
        return dist_version(self.peers_bin / "python", "devpi-server")

    def prepare(self) -> None:
        """Initialise the server directory without a PyPI mirror."""
        check_call(
            [
                self.peers_bin / "devpi-init",
                "--serverdir",
                self.work / "server",
                "--no-root-pypi",
                "--root-passwd",
                secrets.token_urlsafe(16),
            ],
            self.work / "init.log",
        )

    def command(self) -> list[str | Path]:
        """Return devpi-server on 127.0.0.1."""
        return [
            self.peers_bin / "devpi-server",
            "--serverdir",
            self.work / "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]

    def configure(self) -> None:
        """Create the user and its index through the JSON API."""
        auth = (self.username, self.password)
        steps = [
            (f"{self.base}/{self.username}", None, {"password": self.password}),
            (self.upload_url.rstrip("/"), auth, {"bases": [], "volatile": False}),
        ]
        for url, credentials, payload in steps:
            response = request(
                "PUT", url, auth=credentials, payload=payload, accept="application/json"
            )
            if response.status not in (200, 201):
                raise BenchmarkError(
                    f"PUT {url} answered {response.status}: {response.body[:300]!r}"
                )

    def stored_files(self, projects: Sequence[str]) -> tuple[int | None, str]:
        """Count the release files of each project through the JSON API."""
        total = 0
        for project in projects:
            url = f"{self.upload_url}{project}"
            response = request("GET", url, accept="application/json")
            if response.status != 200:
                return None, f"GET {url} answered {response.status}"
            versions = json.loads(response.body)["result"].values()
            total += sum(
                link.get("rel") == "releasefile"
                for version in versions
                for link in version.get("+links", [])
            )
        return total, "JSON API"


class PypiServer(Server):
    """pypiserver with an htpasswd file that guards uploads."""

    key = "pypiserver"
    title = "pypiserver"

    @property
    def upload_url(self) -> str:
        """Return the server root, where pypiserver takes uploads."""
        return self.base + "/"

    @property
    def ready_url(self) -> str:
        """Return pypiserver's health endpoint."""
        return self.base + "/health"

    def version(self) -> str:
        """Return the installed pypiserver version."""
        return dist_version(self.peers_bin / "python", "pypiserver")

    def prepare(self) -> None:
        """Write the password file with passlib and an empty packages directory."""
        (self.work / "packages").mkdir()
        code = (
            "import sys; from passlib.apache import HtpasswdFile; "
            "f = HtpasswdFile(sys.argv[1], new=True); "
            "f.set_password(sys.argv[2], sys.argv[3]); f.save()"
        )
        check_call(
            [
                self.peers_bin / "python",
                "-c",
                code,
                self.work / "htpasswd",
                self.username,
                self.password,
            ],
            self.work / "htpasswd.log",
        )

    def command(self) -> list[str | Path]:
        """Return ``pypi-server run`` with authenticated uploads."""
        return [
            self.peers_bin / "pypi-server",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--passwords",
            self.work / "htpasswd",
            "--authenticate",
            "update",
            "--disable-fallback",
            # "auto" takes waitress, installed for it in the peers' virtualenv.
            "--server",
            "auto",
            "--backend",
            "simple-dir",
            self.work / "packages",
        ]

    def stored_files(self, projects: Sequence[str]) -> tuple[int | None, str]:
        """Count the wheels in the packages directory."""
        return len(list((self.work / "packages").glob("*.whl"))), "package dir"


def run_twine(
    twine: Path,
    server: Server,
    groups: Sequence[Sequence[Path]],
    logs: Path,
    timeout: float,
) -> tuple[float, str]:
    """Run one twine upload per group at once; return wall seconds and failures."""
    env = {**os.environ, **TWINE_ENV}
    logs.mkdir(parents=True, exist_ok=True)
    processes: list[tuple[subprocess.Popen[bytes], Path]] = []
    start = time.perf_counter()
    try:
        for number, group in enumerate(groups):
            log = logs / f"twine-{number}.log"
            argv = [
                str(twine),
                "upload",
                "--non-interactive",
                "--disable-progress-bar",
                "-u",
                server.username,
                "-p",
                server.password,
                "--repository-url",
                server.upload_url,
                *map(str, group),
            ]
            with log.open("wb") as out:
                process = subprocess.Popen(
                    argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env
                )
            processes.append((process, log))
        deadline = time.monotonic() + timeout
        for process, _log in processes:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        elapsed = time.perf_counter() - start
    except subprocess.TimeoutExpired as error:
        raise BenchmarkError(f"twine did not finish within {timeout:.0f} s") from error
    finally:
        for process, _log in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    failures = [
        f"twine exited with {process.returncode}:\n{tail(log, 8)}"
        for process, log in processes
        if process.returncode
    ]
    return elapsed, "\n".join(failures)


def upload_and_check(
    server: Server,
    twine: Path,
    batches: Sequence[tuple[int, list[Path]]],
    timeout: float,
) -> list[Run]:
    """Start a server, time each batch of uploads, count what it stored, stop it."""
    runs: list[Run] = []
    uploaded: list[Path] = []
    try:
        server.start()
        for processes, files in batches:
            groups = [files[i::processes] for i in range(processes)]
            say(
                f"{server.title}: uploading {len(files)} files with "
                f"{processes} twine process(es) ..."
            )
            logs = server.work / f"twine-x{processes}"
            seconds, failure = run_twine(twine, server, groups, logs, timeout)
            run = Run(
                server.key, server.title, processes, len(files), seconds, bool(failure)
            )
            runs.append(run)
            uploaded.extend(files)
            if failure:
                run.note = "upload failed"
                say(f"{server.title}: {failure}")
                break
            say(f"{server.title}: {run.rate:.1f} files/s")
        stored, how = server.stored_files(project_names(uploaded))
    finally:
        server.stop()
    if stored is None:
        say(f"{server.title}: cannot count files while running ({how})")
        stored, how = server.stored_files_after_stop()
    summary = f"{stored}/{len(uploaded)} ({how})" if stored is not None else how
    for run in runs:
        run.stored = summary
        if stored is not None and stored < len(uploaded):
            run.failed = True
            run.note = run.note or "files missing"
    return runs


def format_table(runs: Sequence[Run]) -> str:
    """Return the results as a fixed-width table, with the ratio to devpi-server."""
    baseline = {
        run.processes: run.rate
        for run in runs
        if run.key == BASELINE and not run.failed
    }
    width = max([16, *(len(run.server) for run in runs)])
    header = (
        f"{'server':<{width}} {'twine':>5} {'files':>6} {'seconds':>8} "
        f"{'files/s':>8} {'vs devpi':>8}  stored"
    )
    lines = [header, "-" * len(header)]
    for run in runs:
        base = baseline.get(run.processes)
        ratio = f"{run.rate / base:.2f}x" if base and not run.failed else "-"
        rate = f"{run.rate:.1f}" if not run.failed else "-"
        seconds = f"{run.seconds:.2f}" if run.seconds else "-"
        stored = f"{run.stored}  {run.note}".rstrip()
        lines.append(
            f"{run.server:<{width}} {run.processes:>5} {run.files:>6} "
            f"{seconds:>8} {rate:>8} {ratio:>8}  {stored}"
        )
    return "\n".join(lines)


def parse_servers(value: str) -> list[str]:
    """Return the server keys of a comma-separated list, checked."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    unknown = sorted(set(keys) - set(SERVER_KEYS))
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown server {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(SERVER_KEYS)}"
        )
    return keys


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that choose the servers, their environments and data."""
    parser.add_argument(
        "--servers",
        type=parse_servers,
        default=list(DEFAULT_SERVERS),
        help="comma-separated servers to run, in order, of "
        f"{', '.join(SERVER_KEYS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--psc-bin",
        type=Path,
        default=Path(sys.executable).with_name("psc"),
        help="the psc command of the project's environment (default: %(default)s)",
    )
    parser.add_argument(
        "--peers-venv",
        type=Path,
        default=DEFAULT_PEERS_VENV,
        help="virtualenv for devpi-server, pypiserver and twine, created if "
        "missing (default: %(default)s)",
    )
    parser.add_argument(
        "--peers-python",
        default="python3",
        help="the Python that creates the peers' virtualenv (default: %(default)s)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="keep the wheels, server data and logs in this new directory "
        "(default: a temporary directory, removed at the end)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(
        description="Time twine uploads of the same wheels into several indexes."
    )
    parser.add_argument(
        "--files", type=int, default=300, help="wheels to upload (default: 300)"
    )
    parser.add_argument(
        "--projects",
        type=int,
        default=30,
        help="projects the wheels are spread over (default: 30)",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=0,
        metavar="K",
        help="also upload another set of wheels with K twine processes at once",
    )
    add_server_options(parser)
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="seconds one upload run may take before it is stopped (default: 1800)",
    )
    return parser


def make_server(key: str, work: Path, peers_bin: Path, psc_bin: Path) -> Server:
    """Return the server for a key, in its own work directory and port."""
    psc_servers = {
        "psc": PscServer,
        "psc-zeo": PscZeoServer,
        "psc-relstorage": PscRelStorageServer,
        "psc-zeo-1": PscOneBehindNginx,
        "psc-zeo-2": PscTwoInstances,
        "psc-relstorage-1": PscRelStorageOneBehindNginx,
        "psc-relstorage-2": PscRelStorageTwoInstances,
    }
    if key in psc_servers:
        return psc_servers[key](work / key, peers_bin, free_port(), psc_bin)
    if key == "devpi":
        return DevpiServer(work / key, peers_bin, free_port())
    return PypiServer(work / key, peers_bin, free_port())


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so that every server is stopped."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; return 1 if any server failed."""
    args = build_parser().parse_args(argv)
    if args.files < 1 or args.projects < 1 or args.parallel < 0:
        raise SystemExit("--files and --projects must be positive, --parallel >= 0")
    if args.work_dir and args.work_dir.exists():
        raise SystemExit(f"{args.work_dir} exists: pass a new directory")
    if "psc" in args.servers and not args.psc_bin.exists():
        raise SystemExit(f"{args.psc_bin} does not exist: pass --psc-bin")
    peers_bin = ensure_peers_venv(args.peers_venv.resolve(), args.peers_python)
    try:
        return benchmark(args, peers_bin)
    except KeyboardInterrupt:
        say("interrupted; every server was stopped")
        return 130


def benchmark(args: argparse.Namespace, peers_bin: Path) -> int:
    """Upload into each server in turn, then print the versions and the table."""
    twine = peers_bin / "twine"
    with ExitStack() as stack, stop_on_sigterm():
        if args.work_dir:
            work = args.work_dir.resolve()
            work.mkdir(parents=True)
        else:
            temporary = tempfile.TemporaryDirectory(prefix="bench-")
            work = Path(stack.enter_context(temporary))
        projects = min(args.projects, args.files)
        wheels = build_wheels(work / "wheels", args.files, projects, "bench")
        batches = [(1, wheels)]
        if args.parallel:
            extra = build_wheels(work / "wheels-par", args.files, projects, "bench-par")
            batches.append((args.parallel, extra))
        size = sum(path.stat().st_size for path in wheels) / len(wheels)
        runs: list[Run] = []
        versions: list[str] = []
        for key in args.servers:
            server = make_server(key, work, peers_bin, args.psc_bin)
            stack.callback(server.stop)
            versions.append(f"{server.title} {server.version()}")
            try:
                runs.extend(upload_and_check(server, twine, batches, args.timeout))
            except BenchmarkError as error:
                say(f"{server.title}: {error}")
                runs.append(Run(key, server.title, 1, args.files, 0.0, True, "failed"))
    print(f"machine:  {os.cpu_count()} CPUs, {platform.system()} {platform.release()}")
    print(f"python:   {platform.python_version()} (peers venv: {args.peers_venv})")
    print(f"twine:    {dist_version(peers_bin / 'python', 'twine')} (for every server)")
    print(f"servers:  {', '.join(versions)}")
    print(
        f"wheels:   {args.files} ({projects} projects, {size / 1024:.1f} KiB average)"
    )
    print()
    print(format_table(runs))
    return 1 if any(run.failed for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
