"""Read the core metadata file (METADATA, PKG-INFO) out of an archive."""

from collective.psc.names import ParsedFilename
from collective.psc.names import SDIST
from packaging.metadata import parse_email
from typing import BinaryIO

import tarfile
import zipfile
import zlib


# A core metadata file holds the README; anything larger is not one.
MAX_METADATA_SIZE = 8 * 1024 * 1024

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


def _from_zip(archive: BinaryIO, parsed: ParsedFilename) -> bytes | None:
    with zipfile.ZipFile(archive) as zipped:
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
    with tarfile.open(fileobj=archive, mode="r:gz") as tarred:
        for member in tarred:
            if not member.isfile() or not _is_top_level_member(member.name, "PKG-INFO"):
                continue
            if member.size > MAX_METADATA_SIZE:
                return None
            extracted = tarred.extractfile(member)
            return extracted.read() if extracted is not None else None
    return None
