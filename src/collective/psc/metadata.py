"""Read the core metadata file (METADATA, PKG-INFO) out of an archive."""

from collective.psc.exceptions import ArchiveTooLarge
from collective.psc.names import parse_version
from collective.psc.names import ParsedFilename
from collective.psc.names import SDIST
from email.utils import getaddresses
from packaging.metadata import parse_email
from typing import BinaryIO

import gzip
import io
import tarfile
import zipfile
import zlib


# A core metadata file holds the README; anything larger is not one.
MAX_METADATA_SIZE = 8 * 1024 * 1024

# Scanning an archive for its core metadata stops, and refuses the upload,
# past this many decompressed bytes or members (see docs/limits.rst).
MAX_DECOMPRESSED_SIZE = 256 * 1024 * 1024
MAX_MEMBERS = 10_000

# What zipfile, tarfile and zlib raise for archives that are damaged,
# encrypted or use a compression method Python lacks.
CORRUPT_ARCHIVE_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
)


def extract_core_metadata(archive: BinaryIO, parsed: ParsedFilename) -> bytes | None:
    """Return the core metadata file of a wheel or sdist, byte for byte, or None."""
    try:
        if parsed.package_type == SDIST and parsed.filename.endswith(".tar.gz"):
            return _from_tar(archive)
        return _from_zip(archive, parsed)
    except CORRUPT_ARCHIVE_ERRORS:
        return None


def parse_core_metadata(data: bytes) -> dict:
    """Return the fields of a core metadata file as packaging's raw dict."""
    raw, _unparsed = parse_email(data)
    return dict(raw)


def plone_compatibility(classifiers: list[str]) -> list[str]:
    """Return the Plone versions named by 'Framework :: Plone :: X.Y' classifiers."""
    versions = []
    for classifier in classifiers:
        parts = [part.strip() for part in classifier.split("::")]
        is_version = len(parts) == 3 and parts[2][:1].isdigit()
        if is_version and parts[:2] == ["Framework", "Plone"]:
            versions.append(parts[2])
    return sorted(set(versions), key=parse_version)


def _from_zip(archive: BinaryIO, parsed: ParsedFilename) -> bytes | None:
    with zipfile.ZipFile(archive) as zipped:
        if len(zipped.infolist()) > MAX_MEMBERS:
            raise _too_large()
        if parsed.package_type == SDIST:
            candidates = [
                info
                for info in zipped.infolist()
                if _is_top_level_member(info.filename, "PKG-INFO")
            ]
        else:
            candidates = _wheel_metadata_members(zipped, parsed)
        if not candidates or candidates[0].file_size > MAX_METADATA_SIZE:
            return None
        return zipped.read(candidates[0])


def _wheel_metadata_members(
    zipped: zipfile.ZipFile, parsed: ParsedFilename
) -> list[zipfile.ZipInfo]:
    """Return the wheel's METADATA members, the one of its name and version first."""
    prefix = parsed.filename.split("-")[0] + "-" + parsed.filename.split("-")[1]
    members = [
        info
        for info in zipped.infolist()
        if _is_top_level_member(info.filename, "METADATA")
        and info.filename.split("/")[0].endswith(".dist-info")
    ]
    return sorted(
        members, key=lambda info: info.filename != f"{prefix}.dist-info/METADATA"
    )


def _is_top_level_member(path: str, name: str) -> bool:
    parts = path.split("/")
    return len(parts) == 2 and parts[1] == name


def _from_tar(archive: BinaryIO) -> bytes | None:
    unzipped = gzip.GzipFile(fileobj=archive, mode="rb")
    bounded = io.BufferedReader(BoundedReader(unzipped, MAX_DECOMPRESSED_SIZE))
    with unzipped, tarfile.open(fileobj=bounded, mode="r|") as tarred:
        for count, member in enumerate(tarred, start=1):
            if count > MAX_MEMBERS:
                raise _too_large()
            if not member.isfile() or not _is_top_level_member(member.name, "PKG-INFO"):
                continue
            if member.size > MAX_METADATA_SIZE:
                return None
            extracted = tarred.extractfile(member)
            return extracted.read() if extracted is not None else None
    return None


class BoundedReader(io.RawIOBase):
    """Read a stream, refusing the archive once more than a limit was read."""

    def __init__(self, stream: io.BufferedIOBase | BinaryIO, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.count = 0

    def readable(self) -> bool:
        """Tell that the stream can be read."""
        return True

    def readinto(self, buffer) -> int:
        """Read into a buffer, at most one byte past the limit."""
        wanted = min(len(buffer), self.limit + 1 - self.count)
        data = self.stream.read(wanted)
        self.count += len(data)
        if self.count > self.limit:
            raise _too_large()
        buffer[: len(data)] = data
        return len(data)


def _too_large() -> ArchiveTooLarge:
    return ArchiveTooLarge(
        "Invalid distribution file: the archive decompresses to more than "
        f"{MAX_DECOMPRESSED_SIZE >> 20} MiB or holds more than {MAX_MEMBERS} "
        "members before its core metadata; put PKG-INFO first and keep the "
        "archive smaller."
    )


def people_names(names: str | None, emails: str | None) -> str:
    """Return an Author or Maintainer field, else the names in its e-mail field.

    PEP 621 backends write ``Author-email: Jane Doe <jane@example.org>`` and
    no ``Author``; the display names are who the author is.
    """
    if names and names.strip():
        return names.strip()
    found = [name.strip() for name, _address in getaddresses([emails or ""])]
    return ", ".join(name for name in found if name)
