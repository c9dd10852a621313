"""Import a release from an upstream index as a local one, recording where it came from.

A maintainer names ``name==version`` (read from the center's upstream
indexes) or a file URL carrying ``#sha256=``. Each file is fetched bounded
in time and bytes, checked against its sha256 and size, then stored through
the upload pipeline (``upload.publish``), so it is validated as an upload is.
Any failure raises before the caller commits: the caller aborts, and nothing
of the import is kept.
"""

from collective.psc.exceptions import ImportRefused
from collective.psc.exceptions import InvalidFilename
from collective.psc.exceptions import ReleaseNotFound
from collective.psc.names import normalize_name
from collective.psc.names import parse_filename
from collective.psc.names import parse_version
from collective.psc.services.base import current_user_id
from collective.psc.services.claims import reserved_pattern
from collective.psc.services.distributions import find_file
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.upload.publish import publish_archive
from collective.psc.upstream import client
from collective.psc.upstream.behaviors import upstream_settings
from datetime import datetime
from datetime import UTC
from typing import BinaryIO
from urllib.parse import unquote
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import re
import tempfile


MIB = 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")


def import_spec(*, center: Center, spec: str) -> list[Distribution]:
    """Import ``name==version`` from the upstreams, or a URL with ``#sha256=``."""
    spec = spec.strip()
    if "://" in spec:
        return import_entries(center=center, entries=[url_entry(spec)])
    name, version = parse_spec(spec)
    return import_entries(
        center=center,
        entries=release_entries(center=center, name=name, version=version),
    )


def parse_spec(spec: str) -> tuple[str, str]:
    """Return the normalized name and the version of ``name==version``."""
    name, separator, version = spec.partition("==")
    if not separator or not name.strip() or not version.strip() or "*" in version:
        raise ImportRefused(
            f"Cannot import {spec!r}: name an exact release as name==version, "
            "or give a file URL ending in #sha256=<hex digest>."
        )
    return normalize_name(name), str(parse_version(version.strip()))


def release_entries(*, center: Center, name: str, version: str) -> list[dict]:
    """Return the entries of a release's files on the first upstream that has it."""
    settings = upstream_settings(center)
    if not settings.urls:
        raise ImportRefused(
            "This center has no upstream index; configure one, or import a file URL."
        )
    pattern = reserved_pattern(center=center, name=name)
    if pattern is not None:
        raise ImportRefused(
            f"The name {name!r} is reserved ({pattern}) and never read from an "
            "upstream; upload the release instead."
        )
    for index_url in settings.urls:
        try:
            fetched = client.fetch_page(client.project_url(index_url, name))
        except client.UpstreamError as error:
            raise ImportRefused(str(error)) from None
        if fetched.page is None:
            continue
        meta = fetched.page.get("meta")
        serial = meta.get("_last-serial") if isinstance(meta, dict) else None
        source = client.public_url(index_url)
        entries = [
            {**entry, "source": source, "serial": serial, "from_index": True}
            for entry in fetched.page.get("files") or ()
            if _is_release_file(entry, name, version)
        ]
        if entries:
            return entries
    raise ReleaseNotFound(
        f"No upstream index offers files of {name} {version} with a sha256."
    )


def _is_release_file(entry: dict, name: str, version: str) -> bool:
    hashes = entry.get("hashes")
    if not isinstance(hashes, dict) or not isinstance(hashes.get("sha256"), str):
        return False
    try:
        parsed = parse_filename(entry.get("filename") or "")
    except InvalidFilename:
        return False
    return parsed.name == name and str(parsed.version) == version


def url_entry(url: str) -> dict:
    """Return the entry of a file URL, which must carry ``#sha256=<hex digest>``."""
    parts = urlsplit(url)
    algorithm, _, digest = parts.fragment.partition("=")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportRefused(f"Cannot import {url!r}: give an http or https URL.")
    if algorithm != "sha256" or not SHA256.fullmatch(digest.lower()):
        raise ImportRefused(
            "Cannot import a URL without its hash: add #sha256=<hex digest> to it."
        )
    plain = urlunsplit(parts._replace(fragment=""))
    return {
        "filename": unquote(parts.path.rsplit("/", 1)[-1]),
        "url": plain,
        "hashes": {"sha256": digest.lower()},
        "source": client.public_url(plain),
        "serial": None,
        "upload-time": None,
    }


def import_entries(*, center: Center, entries: list[dict]) -> list[Distribution]:
    """Fetch, check and store each file; skip files already here with that hash."""
    imported = []
    for entry in entries:
        existing = find_file(center=center, filename=entry["filename"])
        if existing is not None and existing.sha256 == entry["hashes"]["sha256"]:
            continue
        imported.append(import_file(center=center, entry=entry))
    return imported


def import_file(*, center: Center, entry: dict) -> Distribution:
    """Fetch one file, check its hash and size, store it and record its provenance."""
    filename = entry["filename"]
    parse_filename(filename)
    expected = entry["hashes"]["sha256"]
    with tempfile.TemporaryFile() as spool:
        size = _fetch(entry, spool, limit=center.upload_size_limit * MIB)
        spool.seek(0)
        distribution = publish_archive(
            center=center, filename=filename, stream=spool, sha256=expected
        )
    distribution.provenance = {
        "source": entry["source"],
        "url": client.public_url(entry["url"]),
        "serial": entry.get("serial"),
        "upload_time": entry.get("upload-time"),
        "sha256": expected,
        "size": size,
        "importer": current_user_id(),
        "imported": datetime.now(UTC).isoformat(),
    }
    return distribution


def _fetch(entry: dict, target: BinaryIO, *, limit: int) -> int:
    try:
        # A file an upstream page names comes from that index's host; a URL a
        # maintainer gives is fetched as given.
        hosts = client.file_hosts(entry["source"]) if entry.get("from_index") else None
        sha256, size = client.download_to(
            entry["url"], target, limit=limit, hosts=hosts
        )
    except client.UpstreamError as error:
        raise ImportRefused(f"Nothing was imported: {error}") from None
    if sha256 != entry["hashes"]["sha256"]:
        raise ImportRefused(
            f"Nothing was imported: {entry['filename']} does not have the sha256 "
            "it should have."
        )
    expected_size = entry.get("size")
    if isinstance(expected_size, int) and expected_size != size:
        raise ImportRefused(
            f"Nothing was imported: {entry['filename']} has {size} bytes, "
            f"not the {expected_size} its index gives."
        )
    return size
