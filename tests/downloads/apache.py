"""Start a real Apache that serves a mirror tree and writes an access log."""

from collective.psc.mirroring.serving import apache_config
from contextlib import contextmanager
from pathlib import Path
from tests.mirroring.apache import APACHE
from tests.mirroring.apache import free_port
from tests.mirroring.apache import wait_for

import subprocess


# The combined format with the Range header after it: the psc_range format
# of docs/pages.rst.
ACCESS_LOG = (
    '\nLogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{{Referer}}i\\" '
    '\\"%{{User-Agent}}i\\" \\"%{{Range}}i\\"" psc_range\n'
    'CustomLog "{log}" psc_range\n'
)


@contextmanager
def logging_apache(tree: Path, run_dir: Path, *, log: Path, prefix: str = ""):
    """Serve a tree with Apache, logging each request to ``log``; yield its URL."""
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
        + ACCESS_LOG.format(log=log)
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
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, run_dir)
        yield f"http://127.0.0.1:{port}{prefix}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
