"""Read the core metadata file (METADATA, PKG-INFO) out of an archive."""

from collective.psc.names import ParsedFilename
from collective.psc.names import SDIST
from packaging.metadata import parse_email
from typing import BinaryIO

import tarfile
import zipfile


# A core metadata file holds the README; anything larger is not one.
MAX_METADATA_SIZE = 8 * 1024 * 1024


def extract_core_metadata(archive: BinaryIO, parsed: ParsedFilename) -> bytes | None:
    """Return the core metadata file of a wheel or sdist, byte for byte, or None."""
    try:
        if parsed.package_type == SDIST and parsed.filename.endswith(".tar.gz"):
            return _from_tar(archive)
        return _from_zip(archive, parsed)
    except (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile):
        return None


def parse_core_metadata(data: bytes) -> dict:
    """Return the fields of a core metadata file as packaging's raw dict."""
    raw, _unparsed = parse_email(data)
    return dict(raw)


def _from_zip(archive: BinaryIO, parsed: ParsedFilename) -> bytes | None:
    with zipfile.ZipFile(archive) as zipped:
        wanted = "METADATA" if parsed.package_type != SDIST else "PKG-INFO"
        for info in zipped.infolist():
            parts = info.filename.split("/")
            if len(parts) != 2 or parts[1] != wanted:
                continue
            if wanted == "METADATA" and not parts[0].endswith(".dist-info"):
                continue
            if info.file_size > MAX_METADATA_SIZE:
                return None
            return zipped.read(info)
    return None


def _from_tar(archive: BinaryIO) -> bytes | None:
    with tarfile.open(fileobj=archive, mode="r:gz") as tarred:
        for member in tarred:
            parts = member.name.split("/")
            if len(parts) != 2 or parts[1] != "PKG-INFO" or not member.isfile():
                continue
            if member.size > MAX_METADATA_SIZE:
                return None
            extracted = tarred.extractfile(member)
            return extracted.read() if extracted is not None else None
    return None
