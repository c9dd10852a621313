"""How long until an instance answers: ``psc serve`` against Zope's own runwsgi.

Both start the same instance (made once with ``psc init`` in a scratch
folder) and are polled until the software center answers 200; each is timed
``--runs`` times, alternating, and the medians and their ratio are printed.
``psc serve`` also writes the configuration and checks that the admin, site
and center exist, which runwsgi does not; a ratio near 1.0 means that it
starts Zope once, as runwsgi does.

Also timed: ``psc init`` followed by runwsgi, the two Zope start-ups that a
restart cost before ``psc serve`` started Zope once; and a ``psc`` data
command (``psc centers``) against the stopped instance, the start-up cost
every admin command pays with the embedded FileStorage, once as installed
and once without bytecode files: ``PYTHONPYCACHEPREFIX`` pointing to an empty
folder and ``PYTHONDONTWRITEBYTECODE=1`` make Python compile every module from
source, as it does in an environment that sets ``PYTHONDONTWRITEBYTECODE``
(many container images) when the install wrote no ``.pyc`` files (``uv pip
install`` without ``--compile-bytecode``).

Usage: .venv/bin/python benchmarks/startup.py [--runs 5]
"""

from pathlib import Path

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_answer(command: list[str], url: str, cwd: Path) -> float:
    """Start a server, return the seconds until ``url`` answers 200, stop it."""
    start = time.perf_counter()
    server = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {server.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def time_command(command: list[str], cwd: Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        port = free_port()
        subprocess.run(
            [BIN / "psc", "init", "--var", "var", "--port", str(port)],
            cwd=root,
            check=True,
            capture_output=True,
        )
        url = f"http://127.0.0.1:{port}/Plone/pypi"
        serve = [str(BIN / "psc"), "serve", "--var", "var", "--port", str(port)]
        runwsgi = [str(BIN / "runwsgi"), "var/instance/etc/zope.ini"]
        centers = [str(BIN / "psc"), "-C", "var/instance/etc/zope.conf", "centers"]
        init = [str(BIN / "psc"), "init", "--var", "var", "--port", str(port)]
        times: dict[str, list[float]] = {
            "psc serve": [],
            "runwsgi": [],
            "init+runwsgi": [],
            "centers": [],
            "centers, no .pyc": [],
        }
        no_bytecode = {
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPYCACHEPREFIX": str(root / "empty-pycache"),
        }
        for _run in range(args.runs):
            times["psc serve"].append(time_to_answer(serve, url, root))
            times["runwsgi"].append(time_to_answer(runwsgi, url, root))
            times["init+runwsgi"].append(
                time_command(init, root) + time_to_answer(runwsgi, url, root)
            )
            times["centers"].append(time_command(centers, root))
            times["centers, no .pyc"].append(
                time_command(centers, root, env=no_bytecode)
            )
    for name, values in times.items():
        print(
            f"{name:<16} median {statistics.median(values):6.2f} s  "
            f"min {min(values):6.2f}  max {max(values):6.2f}  ({len(values)} runs)"
        )
    ratio = statistics.median(times["psc serve"]) / statistics.median(times["runwsgi"])
    print(f"psc serve / runwsgi: {ratio:.2f}")
    before = statistics.median(times["init+runwsgi"]) / statistics.median(
        times["psc serve"]
    )
    print(f"init+runwsgi / psc serve: {before:.2f}")
    compiled = statistics.median(times["centers"]) / statistics.median(
        times["centers, no .pyc"]
    )
    print(f"centers with .pyc / without: {compiled:.2f}")


if __name__ == "__main__":
    main()
