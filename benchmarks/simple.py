"""Measure how fast collective.psc, devpi-server and pypiserver serve simple pages.

Every server gets the same tiny wheels (``--projects`` projects with
``--releases`` versions each) in one ``twine upload``; then ``wrk`` asks it
for project pages (``/simple/<project>/``, a few projects in turn) and for the
project list (``/simple/``) with the Accept header pip sends. Prints requests
per second and latency per server and page, side by side with devpi-server,
and each server's resident memory. The servers run one after the other on
127.0.0.1; devpi-server, pypiserver and twine come from the peers' virtualenv
that ``upload.py`` creates.

Usage: .venv/bin/python benchmarks/simple.py [--projects 500 --releases 5]
"""

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from upload import add_server_options
from upload import BASELINE
from upload import BenchmarkError
from upload import build_wheels
from upload import DevpiServer
from upload import ensure_peers_venv
from upload import make_server
from upload import project_names
from upload import PscServer
from upload import run_twine
from upload import say
from upload import Server
from upload import stop_on_sigterm

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import urllib.parse


# What pip (22.2 and later) sends; servers that speak PEP 691 answer JSON.
PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
)
WRK_INSTALL = (
    "wrk is not installed: 'apt-get install wrk' on Debian and Ubuntu, "
    "'brew install wrk' on macOS, or pass --wrk PATH"
)
RESULT_MARK = "SIMPLE-BENCH "
# Each wrk thread cycles through the paths; done() prints one JSON line.
WRK_SCRIPT = """\
local paths = {%(paths)s}
local next_path = 0

request = function()
  next_path = next_path %% #paths + 1
  return wrk.format("GET", paths[next_path])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests": %%d, "duration_us": %%d, "connect": %%d, '
    .. '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, '
    .. '"p50_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""
PAGE_KINDS = ("project", "root", "json", "download")
#: The Accept header of the JSON API pages (devpi answers its own JSON with it).
JSON_ACCEPT = "application/json"


@dataclass(frozen=True)
class Page:
    """One kind of simple page: the paths wrk asks for in turn, and their check.

    Each path must name its expected project and list ``count`` entries.
    """

    kind: str
    paths: tuple[str, ...]
    expected: tuple[str, ...]
    count: int
    accept: str = PIP_ACCEPT


@dataclass(frozen=True)
class Dataset:
    """The projects every server holds, and the ones whose pages are timed."""

    projects: tuple[str, ...]
    sample: tuple[str, ...]
    releases: int

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return the kinds of page timed: project pages (if any), then the root."""
        return PAGE_KINDS if self.sample else ("root",)


class Hrefs(HTMLParser):
    """Collect the link targets of a PEP 503 page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep a link's target."""
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


@dataclass
class Measurement:
    """The wrk numbers of one server on one kind of page."""

    key: str
    server: str
    page: str
    failed: bool
    note: str = ""
    content_type: str = ""
    size: int = 0
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    #: How busy the machine's cores were during the timed run, in percent
    #: of all of them (server, wrk, nginx, databases: everything).
    cpu: float | None = None

    @property
    def rate(self) -> float:
        """Return the requests answered per second."""
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Memory:
    """The resident memory of one server, in MiB, before and after the reads."""

    server: str
    after_upload: float | None = None
    after_reads: float | None = None


class AnchorTexts(HTMLParser):
    """Collect the texts of the links of a PEP 503 page."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Start a link."""
        if tag == "a":
            self._inside = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        """End a link."""
        if tag == "a":
            self._inside = False

    def handle_data(self, data: str) -> None:
        """Add text to the current link."""
        if self._inside:
            self.texts[-1] += data.strip()


def get(base: str, path: str, accept: str = PIP_ACCEPT) -> tuple[int, str, bytes]:
    """GET a path on 127.0.0.1 as pip would, without following redirects."""
    host, _, port = base.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def listed_names(kind: str, content_type: str, body: bytes) -> list[str]:
    """Return the projects of a root page or the files of a project page."""
    if "json" in content_type:
        data = json.loads(body)
        if kind == "root":
            return [project["name"] for project in data["projects"]]
        return [item["filename"] for item in data["files"]]
    parser = AnchorTexts()
    parser.feed(body.decode(errors="replace"))
    return parser.texts


def verify(base: str, page: Page) -> tuple[str, int]:
    """Check every path of a page answers 200 and lists what it should.

    Returns the content type answered and the average size of the bodies.
    """
    content_types = set()
    sizes = 0
    for path, expected in zip(page.paths, page.expected, strict=True):
        status, content_type, body = get(base, path, page.accept)
        if status != 200:
            raise BenchmarkError(f"GET {path} answered {status}, not 200")
        if page.kind == "json":
            data = json.loads(body)
            text = body.decode(errors="replace")
            # pypiserver names only the files, whose names have "_" for "-".
            named = expected in text or expected.replace("-", "_") in text
            if not named or not data:
                raise BenchmarkError(f"GET {path} is not the JSON of {expected}")
            content_types.add(content_type.split(";")[0].strip())
            sizes += len(body)
            continue
        if page.kind == "download":
            if not body.startswith(b"PK") or expected not in path:
                raise BenchmarkError(f"GET {path} is not the wheel of {expected}")
            content_types.add(content_type.split(";")[0].strip())
            sizes += len(body)
            continue
        names = listed_names(page.kind, content_type, body)
        if expected not in body.decode(errors="replace"):
            raise BenchmarkError(f"GET {path} does not mention {expected}")
        if len(names) != page.count:
            raise BenchmarkError(
                f"GET {path} lists {len(names)} entries, not {page.count}"
            )
        content_types.add(content_type.split(";")[0].strip())
        sizes += len(body)
    return ", ".join(sorted(content_types)), sizes // len(page.paths)


def write_wrk_script(path: Path, paths: Sequence[str]) -> Path:
    """Write the Lua script that makes wrk cycle through paths and report."""
    quoted = ", ".join(json.dumps(item) for item in paths)
    path.write_text(WRK_SCRIPT % {"paths": quoted, "mark": RESULT_MARK})
    return path


def run_wrk(
    wrk: str,
    base: str,
    script: Path,
    *,
    seconds: int,
    connections: int,
    threads: int,
    log: Path,
    accept: str = PIP_ACCEPT,
) -> dict[str, int]:
    """Run wrk against a server for a bounded time and return its summary."""
    argv = [
        wrk,
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "--header",
        f"Accept: {accept}",
        "--script",
        str(script),
        base + "/",
    ]
    try:
        result = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchmarkError(f"wrk did not finish within {seconds + 60} s") from error
    log.write_text(result.stdout + result.stderr)
    for line in result.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line.removeprefix(RESULT_MARK))
    raise BenchmarkError(f"wrk exited with {result.returncode}: {result.stderr[-500:]}")


def rss_mib(pid: int) -> float | None:
    """Return the resident memory of a running process in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def server_rss(server: Server) -> float | None:
    """Return the resident memory of a server process, if it runs."""
    if server.process is None or server.process.poll() is not None:
        return None
    return rss_mib(server.process.pid)


def simple_root(server: Server) -> str:
    """Return the path of a server's simple project list."""
    if isinstance(server, PscServer):
        return f"{server.site_path}/pypi/simple/"
    if isinstance(server, DevpiServer):
        return f"/{server.username}/{server.index}/+simple/"
    return "/simple/"


def json_api_path(server: Server, name: str) -> str:
    """Return the path of a project's JSON document on a server."""
    if isinstance(server, PscServer):
        return f"{server.site_path}/pypi/pypi/{name}/json"
    if isinstance(server, DevpiServer):
        # devpi's own JSON API: the project's versions and files.
        return f"/{server.username}/{server.index}/{name}"
    return f"/{name}/json"


def plan_pages(server: Server, data: Dataset) -> list[Page]:
    """Return the pages to measure: project pages, the root, then wheel downloads."""
    root = simple_root(server)
    pages = []
    if data.sample:
        paths = tuple(f"{root}{name}/" for name in data.sample)
        pages.append(Page("project", paths, data.sample, data.releases))
    pages.append(Page("root", (root,), (data.projects[-1],), len(data.projects)))
    if data.sample:
        paths = tuple(json_api_path(server, name) for name in data.sample)
        pages.append(Page("json", paths, data.sample, 0, accept=JSON_ACCEPT))
        downloads = tuple(
            first_file(server.base, f"{root}{name}/") for name in data.sample
        )
        escaped = tuple(name.replace("-", "_") for name in data.sample)
        pages.append(Page("download", downloads, escaped, 1))
    return pages


def first_file(base: str, page_path: str) -> str:
    """Return the path of the first file a project's HTML page links to."""
    host, _, port = base.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        connection.request("GET", page_path, headers={"Accept": "text/html"})
        body = connection.getresponse().read()
    finally:
        connection.close()
    parser = Hrefs()
    parser.feed(body.decode(errors="replace"))
    if not parser.hrefs:
        raise BenchmarkError(f"GET {page_path} links to no file")
    url = urllib.parse.urljoin(f"{base}{page_path}", parser.hrefs[0])
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def cpu_times() -> tuple[int, int] | None:
    """Return the machine's busy and total CPU time so far (Linux), or None."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    except OSError:
        return None
    times = [int(value) for value in fields]
    idle = times[3] + times[4]
    return sum(times) - idle, sum(times)


def busy_percent(
    before: tuple[int, int] | None, after: tuple[int, int] | None
) -> float | None:
    """Return how busy all cores were between two cpu_times(), in percent."""
    if before is None or after is None or after[1] == before[1]:
        return None
    return 100 * (after[0] - before[0]) / (after[1] - before[1])


def measure_page(
    server: Server, page: Page, wrk: str, args: argparse.Namespace
) -> Measurement:
    """Verify one kind of page on a running server, warm it up, and time it."""
    measurement = Measurement(server.key, server.title, page.kind, False)
    measurement.content_type, measurement.size = verify(server.base, page)
    script = write_wrk_script(server.work / f"wrk-{page.kind}.lua", page.paths)
    options = {
        "connections": args.connections,
        "threads": args.threads,
        "accept": page.accept,
    }
    if args.warmup:
        run_wrk(
            wrk,
            server.base,
            script,
            seconds=args.warmup,
            log=server.work / f"wrk-{page.kind}-warmup.log",
            **options,
        )
    say(f"{server.title}: {args.duration} s of {page.kind} pages ...")
    before = cpu_times()
    summary = run_wrk(
        wrk,
        server.base,
        script,
        seconds=args.duration,
        log=server.work / f"wrk-{page.kind}.log",
        **options,
    )
    measurement.cpu = busy_percent(before, cpu_times())
    measurement.requests = summary["requests"]
    measurement.seconds = summary["duration_us"] / 1e6
    measurement.p50_ms = summary["p50_us"] / 1000
    measurement.p99_ms = summary["p99_us"] / 1000
    measurement.errors = sum(
        summary[name] for name in ("connect", "read", "write", "status", "timeout")
    )
    if measurement.errors or not measurement.requests:
        measurement.failed = True
        measurement.note = f"{measurement.errors} errors"
    return measurement


def benchmark_server(
    server: Server,
    twine: Path,
    wheels: Sequence[Path],
    data: Dataset,
    wrk: str,
    args: argparse.Namespace,
) -> tuple[list[Measurement], Memory]:
    """Start a server, upload every wheel, measure each page, and stop it."""
    measurements: list[Measurement] = []
    try:
        pages, memory = load_server(server, twine, wheels, data, args)
        for page in pages:
            try:
                measurements.append(measure_page(server, page, wrk, args))
            except BenchmarkError as error:
                say(f"{server.title}: {error}")
                measurements.append(
                    Measurement(server.key, server.title, page.kind, True, "failed")
                )
        memory.after_reads = server_rss(server)
    finally:
        server.stop()
    return measurements, memory


def load_server(
    server: Server,
    twine: Path,
    wheels: Sequence[Path],
    data: Dataset,
    args: argparse.Namespace,
) -> tuple[list[Page], Memory]:
    """Start a server and upload every wheel; return its pages and memory."""
    memory = Memory(server.title)
    server.start()
    say(f"{server.title}: uploading {len(wheels)} files ...")
    seconds, failure = run_twine(
        twine, server, [wheels], server.work / "twine", args.timeout
    )
    if failure:
        raise BenchmarkError(failure)
    say(f"{server.title}: uploaded in {seconds:.1f} s")
    memory.after_upload = server_rss(server)
    return plan_pages(server, data), memory


def benchmark_rounds(
    servers: Sequence[Server],
    twine: Path,
    wheels: Sequence[Path],
    data: Dataset,
    wrk: str,
    args: argparse.Namespace,
) -> tuple[list[Measurement], list[Memory]]:
    """Load every server, then measure each page on each server in turn, R times.

    On a shared machine a busy moment then falls on every server alike; each
    server's row is its median round by requests per second.
    """
    loaded = []
    memories = []
    for server in servers:
        pages, memory = load_server(server, twine, wheels, data, args)
        loaded.append((server, {page.kind: page for page in pages}))
        memories.append(memory)
    rounds: dict[tuple[str, str], list[Measurement]] = {}
    for number in range(1, args.rounds + 1):
        say(f"round {number} of {args.rounds}")
        for kind in data.kinds:
            for server, pages in loaded:
                try:
                    found = measure_page(server, pages[kind], wrk, args)
                except BenchmarkError as error:
                    say(f"{server.title}: {error}")
                    found = Measurement(server.key, server.title, kind, True, "failed")
                rounds.setdefault((server.key, kind), []).append(found)
    measurements = []
    for (_key, _kind), found in rounds.items():
        failed = [item for item in found if item.failed]
        ordered = sorted(found, key=lambda item: item.rate)
        measurements.append(failed[0] if failed else ordered[len(ordered) // 2])
    for (server, _pages), memory in zip(loaded, memories, strict=True):
        memory.after_reads = server_rss(server)
        server.stop()
    order = {kind: index for index, kind in enumerate(data.kinds)}
    measurements.sort(key=lambda item: order[item.page])
    return measurements, memories


def format_table(measurements: Sequence[Measurement]) -> str:
    """Return the measurements as a fixed-width table, with the ratio to devpi."""
    baseline = {
        item.page: item.rate
        for item in measurements
        if item.key == BASELINE and not item.failed
    }
    width = max([17, *(len(item.server) for item in measurements)])
    header = (
        f"{'page':<8} {'server':<{width}} {'answer':<36} {'bytes':>7} {'req/s':>8} "
        f"{'vs devpi':>8} {'p50 ms':>7} {'p99 ms':>7} {'cpu %':>6}"
    )
    lines = [header, "-" * len(header)]
    for page in PAGE_KINDS:
        for item in measurements:
            if item.page != page:
                continue
            base = baseline.get(page)
            if item.failed:
                numbers = f"{'-':>7} {'-':>8} {'-':>8} {'-':>7} {'-':>7}  {item.note}"
            else:
                ratio = f"{item.rate / base:.2f}x" if base else "-"
                cpu = f"{item.cpu:.0f}" if item.cpu is not None else "-"
                numbers = (
                    f"{item.size:>7} {item.rate:>8.1f} {ratio:>8} "
                    f"{item.p50_ms:>7.1f} {item.p99_ms:>7.1f} {cpu:>6}"
                )
            lines.append(
                f"{item.page:<8} {item.server:<{width}} {item.content_type:<36} "
                f"{numbers}"
            )
    return "\n".join(lines)


def format_memory(memories: Sequence[Memory]) -> str:
    """Return the servers' resident memory as a fixed-width table."""

    def mib(value: float | None) -> str:
        return f"{value:.1f}" if value is not None else "-"

    width = max([17, *(len(item.server) for item in memories)])
    header = f"{'server':<{width}} {'RSS MiB after upload':>21} {'after reads':>12}"
    lines = [header, "-" * len(header)]
    lines.extend(
        f"{item.server:<{width}} {mib(item.after_upload):>21} "
        f"{mib(item.after_reads):>12}"
        for item in memories
    )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(
        description="Time simple repository pages of the same data on several "
        "indexes with wrk."
    )
    add_server_options(parser)
    parser.add_argument(
        "--projects", type=int, default=500, help="projects (default: 500)"
    )
    parser.add_argument(
        "--releases",
        type=int,
        default=5,
        help="releases of each project, one wheel each (default: 5)",
    )
    parser.add_argument(
        "--root-projects",
        type=int,
        default=0,
        metavar="N",
        help="instead, upload N projects of one release and time only the "
        "project list (default: off)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=5,
        help="project pages wrk asks for in turn (default: 5)",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=10,
        help="seconds wrk runs on each kind of page (default: 10)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="seconds of unmeasured wrk requests before each run (default: 2)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        metavar="R",
        help="run every server at once and measure them in turn, R rounds, "
        "reporting each one's median round (default: 0, one server after "
        "the other)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=2,
        help="wrk's open connections (default: 2)",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk's threads (default: 1)"
    )
    parser.add_argument(
        "--wrk",
        default="wrk",
        help="the wrk command (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds the upload into one server may take (default: 3600)",
    )
    return parser


def check_args(args: argparse.Namespace) -> None:
    """Stop with a message when the options cannot give a valid run."""
    if min(args.projects, args.releases, args.duration, args.connections) < 1:
        raise SystemExit("--projects, --releases, --duration, --connections >= 1")
    if min(args.root_projects, args.sample, args.warmup, args.rounds) < 0:
        raise SystemExit(
            "--root-projects, --sample, --warmup and --rounds must be >= 0"
        )
    if not 1 <= args.threads <= args.connections:
        raise SystemExit("--threads must be between 1 and --connections")
    if args.work_dir and args.work_dir.exists():
        raise SystemExit(f"{args.work_dir} exists: pass a new directory")
    if "psc" in args.servers and not args.psc_bin.exists():
        raise SystemExit(f"{args.psc_bin} does not exist: pass --psc-bin")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables; return 1 if any server failed."""
    args = build_parser().parse_args(argv)
    check_args(args)
    wrk = shutil.which(args.wrk)
    if wrk is None:
        raise SystemExit(WRK_INSTALL)
    peers_bin = ensure_peers_venv(args.peers_venv.resolve(), args.peers_python)
    try:
        return benchmark(args, peers_bin, wrk)
    except KeyboardInterrupt:
        say("interrupted; every server was stopped")
        return 130


def shape(args: argparse.Namespace) -> tuple[int, int, int]:
    """Return the projects, releases per project and project pages to time."""
    if args.root_projects:
        return args.root_projects, 1, 0
    return args.projects, args.releases, args.sample


def make_dataset(wheels: Sequence[Path], releases: int, sample_size: int) -> Dataset:
    """Return the projects of the wheels and a sample spread evenly over them."""
    projects = project_names(wheels)
    step = len(projects) / max(sample_size, 1)
    sample = sorted({projects[int(i * step)] for i in range(sample_size)})
    return Dataset(tuple(projects), tuple(sample), releases)


def print_header(
    args: argparse.Namespace,
    wrk: str,
    versions: Sequence[str],
    wheels: Sequence[Path],
    data: Dataset,
) -> None:
    """Print what was measured with what: machine, versions, data, load."""
    wrk_version = subprocess.run(
        [wrk, "--version"], capture_output=True, text=True, timeout=30
    ).stdout.split(" [")[0]
    size = sum(path.stat().st_size for path in wheels) / len(wheels)
    print(f"machine:  {os.cpu_count()} CPUs, {platform.system()} {platform.release()}")
    print(f"python:   {platform.python_version()} (peers venv: {args.peers_venv})")
    print(f"servers:  {', '.join(versions)}")
    print(
        f"data:     {len(data.projects)} projects x {data.releases} releases = "
        f"{len(wheels)} wheels ({size / 1024:.1f} KiB average)"
    )
    print(
        f"load:     {wrk_version}, {args.connections} connections, "
        f"{args.threads} thread(s), {args.duration} s per page after "
        f"{args.warmup} s warm-up"
    )
    if args.rounds:
        print(
            f"rounds:   {args.rounds}, every server running, measured in turn; "
            "each row is the server's median round"
        )
    if data.sample:
        print(f"projects: {', '.join(data.sample)} in turn")
    print(f"accept:   {PIP_ACCEPT} (JSON API pages: {JSON_ACCEPT})")


def benchmark(args: argparse.Namespace, peers_bin: Path, wrk: str) -> int:
    """Load and measure each server in turn, then print versions and tables."""
    project_count, releases, sample_size = shape(args)
    measurements: list[Measurement] = []
    memories: list[Memory] = []
    versions: list[str] = []
    with ExitStack() as stack, stop_on_sigterm():
        if args.work_dir:
            work = args.work_dir.resolve()
            work.mkdir(parents=True)
        else:
            temporary = tempfile.TemporaryDirectory(prefix="bench-simple-")
            work = Path(stack.enter_context(temporary))
        wheels = build_wheels(
            work / "wheels", project_count * releases, project_count, "bench"
        )
        data = make_dataset(wheels, releases, sample_size)
        if args.rounds:
            servers = []
            for key in args.servers:
                server = make_server(key, work, peers_bin, args.psc_bin)
                stack.callback(server.stop)
                versions.append(f"{server.title} {server.version()}")
                servers.append(server)
            measurements, memories = benchmark_rounds(
                servers, peers_bin / "twine", wheels, data, wrk, args
            )
        for key in args.servers if not args.rounds else ():
            server = make_server(key, work, peers_bin, args.psc_bin)
            stack.callback(server.stop)
            versions.append(f"{server.title} {server.version()}")
            try:
                found, memory = benchmark_server(
                    server, peers_bin / "twine", wheels, data, wrk, args
                )
            except BenchmarkError as error:
                say(f"{server.title}: {error}")
                found = [
                    Measurement(key, server.title, kind, True, "failed")
                    for kind in data.kinds
                ]
                memory = Memory(server.title)
            measurements.extend(found)
            memories.append(memory)
        print_header(args, wrk, versions, wheels, data)
    print()
    print(format_table(measurements))
    print()
    print(format_memory(memories))
    return 1 if any(item.failed for item in measurements) else 0


if __name__ == "__main__":
    sys.exit(main())
