"""Start a real Apache (Debian's apache2) on loopback with a generated configuration."""

from collective.psc.mirroring.serving import apache_config
from contextlib import contextmanager
from pathlib import Path

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request


APACHE = shutil.which("apache2") or "/usr/sbin/apache2"


def free_port() -> int:
    """Return a TCP port nobody listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_apache(tree: Path, run_dir: Path, *, prefix: str = ""):
    """Serve a tree with Apache until the block ends; yield its base URL."""
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "apache2.conf"
    config.write_text(
        apache_config(
            tree=tree,
            listen=f"127.0.0.1:{port}",
            server_name="127.0.0.1",
            prefix=prefix,
            run_dir=run_dir,
        )
    )
    check = subprocess.run(
        [APACHE, "-f", str(config), "-t"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [APACHE, "-f", str(config), "-DFOREGROUND"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}{prefix}"
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, run_dir)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(url: str, process: subprocess.Popen, run_dir: Path) -> None:
    """Wait until Apache answers, or fail with its error log."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = run_dir / "error.log"
            raise AssertionError(
                f"apache2 exited: {log.read_text() if log.exists() else ''}"
            )
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"apache2 did not answer {url} within 30 s")
