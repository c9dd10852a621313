"""Measure a cached upstream project page and file: collective.psc against devpi.

nginx serves a static PEP 503 tree (``--projects`` projects, one tiny wheel
each) as the upstream index. collective.psc gets it as its center's upstream
(``psc upstream set --url``); devpi-server gets a mirror index
(``type=mirror``) of it. Both are warmed: every project page is asked for and
every file downloaded once, so each has the pages and files in its cache.
Then ``wrk`` asks each for project pages (pip's Accept header, the projects in
turn) and for the files, the two servers in turn in each round (so a busy
moment of a shared machine hits both), and the script prints the median
requests per second and latency, and the ratio to devpi-server. The upstream
is stopped before ``wrk`` runs, so nothing is answered by asking it again.

Usage: .venv/bin/python benchmarks/upstream.py [--projects 50 --duration 10]
"""

from pathlib import Path
from simple import PIP_ACCEPT
from simple import run_wrk
from simple import write_wrk_script
from upload import BenchmarkError
from upload import check_call
from upload import DEFAULT_PEERS_VENV
from upload import DevpiServer
from upload import ensure_peers_venv
from upload import free_port
from upload import PscServer
from upload import REPO
from upload import request
from upload import say
from upload import SIMPLE_JSON
from zope.component import provideAdapter
from zope.interface import Interface
from zope.traversing.adapters import DefaultTraversable
from zope.traversing.interfaces import ITraversable

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import urllib.parse


if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fixtures.builder import build_wheel  # noqa: E402
from tests.fixtures.servers import running_nginx  # noqa: E402
from tests.fixtures.upstream import StaticIndex  # noqa: E402


BIN = Path(sys.executable).parent


class DevpiMirror(DevpiServer):
    """devpi-server with a mirror index of the upstream."""

    key = "devpi-mirror"
    title = "devpi mirror"
    index = "upstream"
    upstream = ""

    def configure(self) -> None:
        """Create the user and its mirror index of the upstream."""
        auth = (self.username, self.password)
        steps = [
            (f"{self.base}/{self.username}", None, {"password": self.password}),
            (
                self.upload_url.rstrip("/"),
                auth,
                {"type": "mirror", "mirror_url": self.upstream},
            ),
        ]
        for url, credentials, payload in steps:
            response = request(
                "PUT", url, auth=credentials, payload=payload, accept="application/json"
            )
            if response.status not in (200, 201):
                raise BenchmarkError(
                    f"PUT {url} answered {response.status}: {response.body[:300]!r}"
                )

    def simple_path(self, name: str) -> str:
        """Return the path of a project's simple page."""
        return f"/{self.username}/{self.index}/+simple/{name}/"


class PscUpstream(PscServer):
    """collective.psc with the upstream as its center's upstream index."""

    key = "psc-upstream"
    title = "collective.psc"
    upstream = ""

    def prepare(self) -> None:
        """Make the instance and set the center's upstream before it serves."""
        check_call(
            [self.psc_bin, "init", "--var", self.var, "--port", str(self.port)],
            self.work / "init.log",
        )
        zope_conf = self.var / "instance" / "etc" / "zope.conf"
        check_call(
            [self.psc_bin, "-C", zope_conf, "upstream", "set", "--center"]
            + ["/Plone/pypi", "--url", self.upstream, "--ttl", "3600"],
            self.work / "upstream.log",
        )

    def simple_path(self, name: str) -> str:
        """Return the path of a project's simple page."""
        return f"/Plone/pypi/simple/{name}/"


def publish(root: Path, count: int) -> list[str]:
    """Write the upstream tree of ``count`` projects; return their names."""
    # The pages are rendered by the center's own templates, which traverse
    # their data with Zope's default adapter (ZCML registers it in a site).
    provideAdapter(DefaultTraversable, (Interface,), ITraversable)
    index = StaticIndex(root / "tree")
    names = [f"upstream-{number:04d}" for number in range(count)]
    for name in names:
        index.publish(name, build_wheel(root / "built", name, "1.0"))
    return names


def warm(server, names: list[str]) -> list[str]:
    """Ask for every page and file once; return the files' paths on the server."""
    files = []
    for name in names:
        url = server.base + server.simple_path(name)
        page = request("GET", url, accept=SIMPLE_JSON)
        if page.status != 200:
            raise BenchmarkError(f"GET {url} answered {page.status}")
        [entry] = json.loads(page.body)["files"]
        address = urllib.parse.urljoin(url, entry["url"]).split("#")[0]
        answer = request("GET", address)
        if answer.status != 200:
            raise BenchmarkError(f"GET {address} answered {answer.status}")
        files.append(urllib.parse.urlsplit(address).path)
    return files


def rate(summary: dict) -> float:
    """Return the requests per second of a wrk summary."""
    if any(summary[key] for key in ("connect", "read", "status", "timeout")):
        raise BenchmarkError(f"wrk saw errors: {summary}")
    return summary["requests"] / (summary["duration_us"] / 1e6)


def measure(args: argparse.Namespace, servers: list, plans: dict) -> dict:
    """Run wrk rounds, the servers in turn each round; return req/s and p50 medians."""
    rounds: dict = {}
    for _round in range(args.rounds + 1):
        for server in servers:
            for kind, paths in plans[server.key].items():
                script = write_wrk_script(server.work / f"wrk-{kind[0]}.lua", paths)
                summary = run_wrk(
                    args.wrk,
                    server.base,
                    script,
                    seconds=args.duration if _round else 2,
                    connections=args.connections,
                    threads=1,
                    log=server.work / "wrk.log",
                )
                # The first round only warms the servers up.
                if _round:
                    rounds.setdefault((server.title, kind), []).append(summary)
    return {
        key: (
            statistics.median(rate(summary) for summary in summaries),
            statistics.median(summary["p50_us"] for summary in summaries) / 1000,
        )
        for key, summaries in rounds.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--peers-venv", type=Path, default=DEFAULT_PEERS_VENV)
    args = parser.parse_args(argv)
    peers_bin = ensure_peers_venv(args.peers_venv, sys.executable)
    with tempfile.TemporaryDirectory(prefix="psc-upstream-bench-") as scratch:
        work = Path(scratch)
        names = publish(work, args.projects)
        servers = [
            DevpiMirror(work / "devpi", peers_bin, free_port()),
            PscUpstream(work / "psc", peers_bin, free_port(), BIN / "psc"),
        ]
        plans = {}
        try:
            for server in servers:
                with running_nginx(work / "tree", work / f"nginx-{server.key}") as base:
                    server.upstream = f"{base}/simple/"
                    server.start()
                    say(f"warming {server.title} with {len(names)} projects")
                    files = warm(server, names)
                pages = [server.simple_path(name) for name in names]
                plans[server.key] = {"project page": pages, "file": files}
            # The upstream is stopped: every answer comes from the servers' caches.
            results = measure(args, servers, plans)
        finally:
            for server in servers:
                server.stop()
    titles = [server.title for server in servers]
    print()
    print(
        f"cached upstream data, {args.projects} projects, wrk {args.duration} s x "
        f"{args.rounds} rounds (median), {args.connections} connections, "
        f"Accept: {PIP_ACCEPT}"
    )
    header = f"{'route':<14} {'server':<16} {'req/s':>9} {'p50 ms':>8} {'vs devpi':>9}"
    print(header)
    print("-" * len(header))
    for kind in ("project page", "file"):
        for title in titles:
            rps, p50 = results[(title, kind)]
            ratio = rps / results[(titles[0], kind)][0]
            print(f"{kind:<14} {title:<16} {rps:9.1f} {p50:8.1f} {ratio:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
