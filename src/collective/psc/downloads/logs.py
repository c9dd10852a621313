"""Read the downloads of archives out of Apache and nginx access logs.

A line is in the *common* or *combined* log format, optionally followed by
the request's ``Range`` header as one more quoted field (the ``psc_range``
format of docs/pages.rst). A download is a ``GET`` of an archive under
``<prefix>/packages/<aa>/<bb>/<rest>/<filename>`` answered with 200, or
with 206 when the logged range starts at byte 0. Without a logged range a
206 is a part of a download whose start was already counted (a resumed
download) or a read of the end of a wheel (pip's and uv's lazy metadata
reads), so it is not counted.

A log is known by the digest of its first line, not by its name or inode:
rotation renames ``access.log`` to ``access.log.1`` and compresses it to
``access.log.2.gz``, and all three start with the same line; a new
``access.log`` (or one truncated by ``copytruncate``) starts with another.
Offsets count the bytes of the uncompressed log, so an import resumes at
the same place in the renamed or compressed file.
"""

from collections.abc import Iterable
from collections.abc import Iterator
from collective.psc.names import SDIST_SUFFIXES
from collective.psc.names import WHEEL_SUFFIX
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote
from urllib.parse import urlsplit

import gzip
import hashlib
import io
import re


def _quoted(name: str) -> str:
    # A quoted field of a log line; the server escapes quotes as \".
    return rf'"(?P<{name}>(?:[^"\\]|\\.)*)"'


LOG_LINE = re.compile(
    r"^\S+ \S+ \S+ \[[^\]]+\] "
    rf"{_quoted('request')} (?P<status>\d{{3}}) (?:\d+|-)"
    rf"(?: {_quoted('referer')} {_quoted('agent')}(?: {_quoted('range')})?)?\s*$"
)
ARCHIVE_PATH = re.compile(
    r"^(?P<prefix>.*)/packages/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/(?P<filename>[^/]+)$"
)
ARCHIVE_SUFFIXES = (*SDIST_SUFFIXES, WHEEL_SUFFIX)
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Request:
    """What a log line says about one request."""

    method: str
    path: str
    status: int
    range: str | None = None


def parse_line(line: str) -> Request | None:
    """Return the request of a common or combined log line, or None if it is not."""
    match = LOG_LINE.match(line)
    if match is None:
        return None
    request_line, status, range_header = match.group("request", "status", "range")
    parts = request_line.split(" ")
    if len(parts) not in (2, 3):
        return None
    target = urlsplit(parts[1])
    if range_header in (None, "-"):
        range_header = None
    return Request(
        method=parts[0],
        path=unquote(target.path),
        status=int(status),
        range=range_header,
    )


def normalize_prefix(prefix: str) -> str:
    """Return a URL path prefix as the paths start: '/pypi', or '' for the root."""
    return "/" + prefix.strip("/") if prefix.strip("/") else ""


def downloaded_filename(request: Request, *, prefixes: Iterable[str]) -> str | None:
    """Return the archive a request downloaded, or None if it counts as no download."""
    if request.method != "GET" or not _complete(request):
        return None
    match = ARCHIVE_PATH.match(request.path)
    if match is None or match["prefix"] not in {normalize_prefix(p) for p in prefixes}:
        return None
    filename = match["filename"]
    return filename if filename.endswith(ARCHIVE_SUFFIXES) else None


def _complete(request: Request) -> bool:
    if request.status == 200:
        return True
    return request.status == 206 and bool(
        request.range and re.match(r"^bytes=0-", request.range.strip())
    )


def open_log(path: Path) -> io.BufferedIOBase:
    """Open a log for reading its lines as bytes, decompressing a gzipped one."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def log_identity(path: Path) -> str | None:
    """Return the digest of a log's first complete line, or None while it has none."""
    with open_log(path) as stream:
        first = stream.readline()
    if not first.endswith(b"\n"):
        return None
    return hashlib.sha256(first).hexdigest()


def read_batches(
    path: Path, *, offset: int, lines: int
) -> Iterator[tuple[list[str], int]]:
    """Yield the complete lines after an offset in batches, each with its end offset.

    A last line without its newline is still being written: it is left
    for the next import.
    """
    with open_log(path) as stream:
        stream.seek(offset)
        batch: list[str] = []
        for raw in stream:
            if not raw.endswith(b"\n"):
                break
            offset += len(raw)
            # Servers escape what is not printable ASCII; never fail on the rest.
            batch.append(raw.decode("utf-8", "replace"))
            if len(batch) == lines:
                yield batch, offset
                batch = []
        if batch:
            yield batch, offset
