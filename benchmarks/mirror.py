"""Measure what mirroring costs an upload and a resync; how fast Apache, nginx serve.

A fresh instance (``psc init``) gets projects of one tiny wheel each through
the service layer. At each size in ``--sizes`` (500 and 5,000 by default)
the script times uploads of a new release, and of a new project, committed
one by one: in blocks without a mirror directory and with one, side by side,
so the median difference is what the export adds. It also times the export
hook itself, after a new release and after a new project (the direct
measure, which the load of a shared machine blurs less than a difference),
and a full ``resync`` into an empty directory. Then it stops,
starts the instance's WSGI server, and Apache and nginx on the tree (as the
mirroring tests start them), and runs ``wrk`` on the project list and a
project page of each, with pip's Accept header.

Usage: .venv/bin/python benchmarks/mirror.py [--sizes 500,5000 --uploads 20]
"""

from contextlib import contextmanager
from pathlib import Path
from simple import run_wrk
from simple import write_wrk_script
from upload import BenchmarkError
from upload import free_port
from upload import REPO
from upload import say
from upload import spawn
from upload import stop_process

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fixtures.builder import build_wheel  # noqa: E402
from tests.fixtures.servers import running_apache  # noqa: E402
from tests.fixtures.servers import running_nginx  # noqa: E402


BIN = Path(sys.executable).parent
CENTER = "/Plone/pypi"


def wheel_bytes(directory: Path, name: str, version: str) -> tuple[str, bytes]:
    """Return the filename and bytes of a tiny wheel."""
    path = build_wheel(directory, name, version)
    data = path.read_bytes()
    path.unlink()
    return path.name, data


class Instance:
    """The instance's application opened in this process, as the admin."""

    def __init__(self, zope_conf: Path) -> None:
        self.zope_conf = zope_conf
        self.scratch = Path(tempfile.mkdtemp(prefix="psc-mirror-wheels-"))

    @contextmanager
    def opened(self):
        """Open the application and yield the center."""
        from collective.psc.commands.instance import open_center
        from collective.psc.commands.instance import opened_app

        with opened_app(self.zope_conf) as app:
            yield open_center(app, argparse.Namespace(user="admin", center=CENTER))

    def upload(self, center, name: str, version: str) -> float:
        """Upload one wheel and commit; return the seconds it took."""
        from collective.psc.services import archives

        import transaction

        filename, data = wheel_bytes(self.scratch, name, version)
        start = time.perf_counter()
        archives.add_archive(center=center, filename=filename, stream=io.BytesIO(data))
        transaction.commit()
        return time.perf_counter() - start


def grow(instance: Instance, center, start: int, stop: int) -> None:
    """Add projects ``start`` to ``stop``, one wheel each, 100 per commit."""
    from collective.psc.services import archives

    import transaction

    for number in range(start, stop):
        filename, data = wheel_bytes(instance.scratch, f"bench-{number:05d}", "1.0")
        archives.add_archive(center=center, filename=filename, stream=io.BytesIO(data))
        if number % 100 == 99:
            transaction.commit()
    transaction.commit()


def time_uploads(
    instance: Instance, center, tree: Path, size: int, uploads: int, round_: int
) -> dict[str, list[float]]:
    """Time uploads without and with the mirror, in alternating blocks."""
    from collective.psc.mirroring import subscribers

    import transaction

    hook = subscribers.export_committed
    exports: dict[str, list[float]] = {"hook release": [], "hook project": []}
    uploading = ["release"]

    def timed_export(*args):
        start = time.perf_counter()
        hook(*args)
        exports[f"hook {uploading[0]}"].append(time.perf_counter() - start)

    subscribers.export_committed = timed_export
    times: dict[str, list[float]] = {
        key: [] for key in ("release", "release+mirror", "project", "project+mirror")
    }
    try:
        for block in range(4):
            mirrored = block % 2 == 1
            center.mirror_targets = [str(tree)] if mirrored else []
            transaction.commit()
            suffix = "+mirror" if mirrored else ""
            for number in range(uploads // 2):
                existing = f"bench-{(number * 37 + block) % size:05d}"
                version = f"2.{round_}.{block}.{number}"
                uploading[0] = "release"
                times["release" + suffix].append(
                    instance.upload(center, existing, version)
                )
                fresh = f"new-{round_}-{block}-{number}"
                uploading[0] = "project"
                times["project" + suffix].append(instance.upload(center, fresh, "1.0"))
    finally:
        subscribers.export_committed = hook
    times.update(exports)
    return times


def time_resync(center, tree: Path) -> float:
    """Resync the center into an empty directory; return the seconds."""
    from collective.psc.mirroring.sync import resync
    from collective.psc.mirroring.writer import Tree

    shutil.rmtree(tree, ignore_errors=True)
    target = Tree(tree)
    target.claim(center_path=CENTER)
    start = time.perf_counter()
    with target.locked():
        resync(center, target, center_path=CENTER)
    return time.perf_counter() - start


def ms(values: list[float]) -> str:
    """Return the median of some seconds in milliseconds."""
    return f"{statistics.median(values) * 1000:8.1f}" if values else f"{'-':>8}"


def measure_exports(args: argparse.Namespace, work: Path, zope_conf: Path) -> Path:
    """Print the upload and resync table; return the tree left for Apache."""
    instance = Instance(zope_conf)
    tree = work / "tree"
    rows = []
    with instance.opened() as center:
        made = 0
        for round_, size in enumerate(args.sizes):
            say(f"adding projects {made} to {size} ...")
            grow(instance, center, made, size)
            made = size
            seconds = time_resync(center, tree)
            say(f"{size} projects: resync {seconds:.1f} s; timing uploads ...")
            times = time_uploads(instance, center, tree, size, args.uploads, round_)
            made += args.uploads
            rows.append((size, times, seconds))
        center.mirror_targets = [str(tree)]
        import transaction

        transaction.commit()
        time_resync(center, tree)
    print()
    print("Median ms per upload (service call and commit), without and with a mirror")
    print("(hook: the export alone, after a new release and after a new project)")
    header = (
        f"{'projects':>8} {'release':>8} {'+mirror':>8} {'added':>8} "
        f"{'project':>8} {'+mirror':>8} {'added':>8} {'hook rel':>8} "
        f"{'hook prj':>8} {'resync s':>9}"
    )
    print(header)
    print("-" * len(header))
    for size, times, seconds in rows:
        added_release = statistics.median(times["release+mirror"]) - statistics.median(
            times["release"]
        )
        added_project = statistics.median(times["project+mirror"]) - statistics.median(
            times["project"]
        )
        print(
            f"{size:>8} {ms(times['release'])} {ms(times['release+mirror'])} "
            f"{added_release * 1000:8.1f} {ms(times['project'])} "
            f"{ms(times['project+mirror'])} {added_project * 1000:8.1f} "
            f"{ms(times['hook release'])} {ms(times['hook project'])} {seconds:9.1f}"
        )
    return tree


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Wait until a URL answers, or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise BenchmarkError(f"{url} did not answer within {timeout} s")


def measure_reads(args: argparse.Namespace, work: Path, tree: Path) -> None:
    """Run wrk on the live center and on Apache and nginx serving the tree."""
    zope_ini = work / "var" / "instance" / "etc" / "zope.ini"
    port = int(zope_ini.read_text().split("listen = 127.0.0.1:")[1].split()[0])
    live = spawn([BIN / "runwsgi", zope_ini], work / "live.log")
    try:
        with (
            running_apache(tree, work / "apache") as apache,
            running_nginx(tree, work / "nginx") as nginx,
        ):
            bases = {
                "live center": (f"http://127.0.0.1:{port}", f"{CENTER}/simple/"),
                "Apache tree": (apache, "/simple/"),
                "nginx tree": (nginx, "/simple/"),
            }
            wait_for(bases["live center"][0] + CENTER + "/simple/", live, 600)
            print_reads(args, work, bases)
    finally:
        stop_process(live)


def print_reads(
    args: argparse.Namespace, work: Path, bases: dict[str, tuple[str, str]]
) -> None:
    """Run wrk on the root and a project page of each server; print a table."""
    print()
    print(f"wrk, {args.duration} s, {args.connections} connections, pip's Accept")
    header = f"{'page':<8} {'server':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    for page, suffix in (("root", ""), ("project", "bench-00001/")):
        for title, (base, root) in bases.items():
            script = write_wrk_script(
                work / f"wrk-{page}-{title.split()[0]}.lua", [root + suffix]
            )
            options = {
                "seconds": args.duration,
                "connections": args.connections,
                "threads": 1,
            }
            run_wrk(args.wrk, base, script, log=work / "warmup.log", **options)
            summary = run_wrk(
                args.wrk, base, script, log=work / f"wrk-{page}.log", **options
            )
            if any(summary[key] for key in ("connect", "read", "status")):
                raise BenchmarkError(f"wrk saw errors on {title}: {summary}")
            rate = summary["requests"] / (summary["duration_us"] / 1e6)
            print(
                f"{page:<8} {title:<12} {rate:9.1f} "
                f"{summary['p50_us'] / 1000:8.1f} {summary['p99_us'] / 1000:8.1f}"
            )


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda value: [int(item) for item in value.split(",")],
        default=[500, 5000],
        help="project counts to measure at, growing (default: 500,5000)",
    )
    parser.add_argument(
        "--uploads",
        type=int,
        default=40,
        help="uploads timed at each size, half of them with the mirror (default: 40)",
    )
    parser.add_argument("--duration", type=int, default=10, help="wrk seconds")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    args = build_parser().parse_args(argv)
    if shutil.which(args.wrk) is None:
        raise SystemExit("wrk is not installed: 'apt-get install wrk' on Debian.")
    work = Path(tempfile.mkdtemp(prefix="psc-mirror-bench-"))
    try:
        port = free_port()
        say(f"psc init in {work} ...")
        subprocess.run(
            [BIN / "psc", "init", "--var", work / "var", "--port", str(port)],
            check=True,
            capture_output=True,
        )
        zope_conf = work / "var" / "instance" / "etc" / "zope.conf"
        tree = measure_exports(args, work, zope_conf)
        measure_reads(args, work, tree)
    except BenchmarkError as error:
        say(f"failed: {error}")
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
