"""Measure the server's memory while it receives one large upload.

Starts a fresh instance with ``psc serve``, uploads one wheel of ``--size-mb``
megabytes (default 200) to its legacy upload URL as twine would, and samples
the server's resident memory (``VmRSS``) every 20 ms from before the upload
until the answer. Prints the idle size, the peak and their difference: an
upload that is streamed keeps the difference far below the file's size.

    .venv/bin/python benchmarks/upload_memory.py --size-mb 200
"""

from pathlib import Path

import argparse
import base64
import hashlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.builder import metadata_text  # noqa: E402


# Run in a subprocess before the server starts (the FileStorage has one user).
RAISE_LIMIT = """
import sys, transaction
from pathlib import Path
from collective.psc.commands.instance import opened_app
with opened_app(Path(sys.argv[1])) as app:
    app.Plone.pypi.upload_size_limit = 1024
    transaction.commit()
"""


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Return the resident memory of a process in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def write_big_wheel(directory: Path, size_mb: int) -> Path:
    """Write a valid wheel holding ``size_mb`` MiB of incompressible data."""
    path = directory / "big_demo-1.0-py3-none-any.whl"
    rng = random.Random(1)
    dist_info = "big_demo-1.0.dist-info"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as wheel:
        with wheel.open("big_demo/data.bin", "w", force_zip64=True) as data:
            for _ in range(size_mb):
                data.write(rng.randbytes(1024 * 1024))
        wheel.writestr("big_demo/__init__.py", "")
        wheel.writestr(f"{dist_info}/METADATA", metadata_text("big-demo", "1.0"))
        wheel.writestr(
            f"{dist_info}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n",
        )
        wheel.writestr(f"{dist_info}/RECORD", "")
    return path


def multipart(path: Path, boundary: str) -> tuple[list[bytes], int]:
    """Return the form head and tail around the file, and the body's length."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    fields = {
        ":action": "file_upload",
        "protocol_version": "1",
        "metadata_version": "2.4",
        "name": "big-demo",
        "version": "1.0",
        "filetype": "bdist_wheel",
        "pyversion": "py3",
        "sha256_digest": digest.hexdigest(),
    }
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        f"{value}\r\n".encode()
        for key, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return [head, tail], len(head) + path.stat().st_size + len(tail)


def body(path: Path, head: bytes, tail: bytes):
    """Yield the request body without holding the file in memory."""
    yield head
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 16):
            yield chunk
    yield tail


def wait_until_up(url: str, seconds: float = 180) -> None:
    """Wait until a URL answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def main() -> None:
    """Run the measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--psc-bin", default=str(Path(sys.executable).with_name("psc")))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        port = free_port()
        var = scratch / "var"
        subprocess.run(
            [args.psc_bin, "init", "--var", str(var), "--port", str(port)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [sys.executable, "-c", RAISE_LIMIT, str(var / "instance/etc/zope.conf")],
            check=True,
            capture_output=True,
        )
        server = subprocess.Popen(
            [args.psc_bin, "serve", "--var", str(scratch / "var"), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            center = f"http://127.0.0.1:{port}/Plone/pypi"
            wait_until_up(center)
            password = (scratch / "var" / "admin-password").read_text().strip()
            wheel = write_big_wheel(scratch, args.size_mb)
            boundary = "benchmarkboundary7MA4YWxkTrZu0gW"
            (head, tail), length = multipart(wheel, boundary)
            time.sleep(2)
            idle = rss_kib(server.pid)
            peak = idle
            done = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, rss_kib(server.pid))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample)
            sampler.start()
            request = urllib.request.Request(
                f"{center}/legacy/",
                data=body(wheel, head, tail),
                method="POST",
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(length),
                },
            )
            token = base64.b64encode(f"admin:{password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=1800) as response:
                status = response.status
            seconds = time.perf_counter() - started
            done.set()
            sampler.join()
        finally:
            server.terminate()
            server.wait(timeout=60)
    mib = 1024
    print(f"file size            {args.size_mb} MiB")
    print(f"upload status        {status} in {seconds:.1f} s")
    print(f"server RSS idle      {idle / mib:.1f} MiB")
    print(f"server RSS peak      {peak / mib:.1f} MiB")
    print(f"peak - idle          {(peak - idle) / mib:.1f} MiB")
    print(f"ratio to file size   {(peak - idle) / mib / args.size_mb:.3f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
