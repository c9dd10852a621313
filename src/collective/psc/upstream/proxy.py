"""Decide, fetch and merge what a center serves from its upstream indexes.

The policy, with every name PEP 503-normalized:

- a reserved name (the center's ``reserved_names``) is never asked upstream;
- a local project hides the upstream project of its name, unless it is on
  the center's allow-list: then both are served, local files first, and a
  local file wins a filename clash;
- in allow-list-only mode no other upstream project is served.

Only files whose entry carries a sha256 and whose filename names the project
are offered; once fetched, a file's sha256 is pinned and an upstream page that
offers other bytes under its filename is refused and recorded.
"""

from collections.abc import Iterator
from collective.psc import logger
from collective.psc.exceptions import InvalidFilename
from collective.psc.exceptions import InvalidName
from collective.psc.names import normalize_name
from collective.psc.names import parse_filename
from collective.psc.services.claims import reserved_pattern
from collective.psc.storage import DEFAULT_STORAGE
from collective.psc.storage import get_storage
from collective.psc.tracked import is_local
from collective.psc.tracked import local_names
from collective.psc.upstream import client
from collective.psc.upstream import files
from collective.psc.upstream.behaviors import upstream_settings
from collective.psc.upstream.behaviors import UpstreamSettings
from collective.psc.upstream.cache import Entry
from collective.psc.upstream.cache import PAGES
from collective.psc.upstream.cache import UNREACHABLE
from dataclasses import dataclass
from typing import Any
from typing import BinaryIO
from typing import IO

import math
import tempfile


MIB = 1024 * 1024
MAX_METADATA_BYTES = 4 * MIB
FILES_SEGMENT = "upstream-files"


class FetchRefused(Exception):
    """An upstream file could not be fetched or did not match its pinned hash."""


def may_fetch(
    center: Any, name: str, *, local: bool, settings: UpstreamSettings
) -> bool:
    """Tell whether the policy lets the upstream be asked for a normalized name."""
    if not settings.urls or reserved_pattern(center=center, name=name) is not None:
        return False
    if name in settings.allow_list:
        return True
    return not local and not settings.allow_list_only


def upstream_entries(center: Any, name: str, settings: UpstreamSettings) -> list[dict]:
    """Return the file entries of the first upstream index that has the project."""
    for index_url in settings.urls:
        page = _cached_page(center, index_url, name, settings)
        if page is not None:
            return _entries(page, index_url, name)
    return []


def _entries(page: dict, index_url: str, name: str) -> list[dict]:
    source = client.public_url(index_url)
    return [
        {**entry, "source": source}
        for entry in page.get("files") or ()
        if _offered(entry, name)
    ]


def _offered(entry: dict, name: str) -> bool:
    hashes = entry.get("hashes")
    if not isinstance(hashes, dict) or not isinstance(hashes.get("sha256"), str):
        return False
    try:
        parsed = parse_filename(entry.get("filename") or "")
    except InvalidFilename:
        return False
    return parsed.name == name


def _cached_page(
    center: Any, index_url: str, name: str, settings: UpstreamSettings
) -> dict | None:
    entry = _cached_entry(center, index_url, name, settings)
    return None if entry is None else entry.page


def _cached_entry(
    center: Any, index_url: str, name: str, settings: UpstreamSettings
) -> Entry | None:
    key = (center.journal.uid, index_url, name)
    entry = PAGES.get(key)
    if entry is not None and (settings.offline or entry.fresh(settings.ttl)):
        return entry
    if settings.offline or UNREACHABLE.resting(index_url):
        return entry
    url = client.project_url(index_url, name)
    try:
        fetched = client.fetch_page(url, etag=entry.etag if entry else None)
    except client.UpstreamError as error:
        UNREACHABLE.failed(index_url, settings.ttl)
        logger.warning("Upstream page not read, serving the cache: %s", error)
        return entry
    if fetched.not_modified and entry is not None:
        return PAGES.put(key, entry.page, entry.etag)
    return PAGES.put(key, fetched.page, fetched.etag)


@dataclass(frozen=True)
class UpstreamState:
    """What a project's upstream files as served here are made from.

    The page of the first index that has the project (which index, and the
    copy of its page in the cache) and the pins of the files fetched: the
    same state gives the same entries, so pages built from it can be kept.
    """

    index_url: str | None
    entry: Entry | None
    pins: tuple[tuple[str, str], ...]
    #: When a page read for it expires (``time.monotonic()``): a page built
    #: from this state may differ after that without the database changing.
    fresh_until: float = math.inf

    @property
    def key(self) -> tuple:
        """Return the state as a key: the index, when its copy was fetched, pins."""
        fetched = None if self.entry is None else self.entry.fetched
        return (self.index_url, fetched, self.pins)


def upstream_state(center: Any, name: str, settings: UpstreamSettings) -> UpstreamState:
    """Return the state of a project's upstream files, revalidating an expired page."""
    found: tuple[str | None, Entry | None] = (None, None)
    fresh_until = math.inf
    for index_url in settings.urls:
        entry = _cached_entry(center, index_url, name, settings)
        if not settings.offline:
            # Every page read decides the answer, the upstream's "no" as well.
            fetched = -math.inf if entry is None else entry.fetched
            fresh_until = min(fresh_until, fetched + settings.ttl)
        if entry is not None and entry.page is not None:
            found = (index_url, entry)
            break
    pins = tuple(
        (record.filename, record.sha256) for record in files.project_files(center, name)
    )
    return UpstreamState(*found, pins=pins, fresh_until=fresh_until)


def served_files(
    center: Any,
    name: str,
    settings: UpstreamSettings,
    *,
    center_url: str,
    state: UpstreamState | None = None,
) -> list[dict]:
    """Return the PEP 691 entries of a project's upstream files as served here.

    With the ``state`` this request found, its page is used as it is,
    without asking the cache (or the upstream) again.
    """
    if state is None:
        listed = upstream_entries(center, name, settings)
    elif state.entry is None or state.entry.page is None:
        listed = []
    else:
        listed = _entries(state.entry.page, state.index_url or "", name)
    entries = {entry["filename"]: entry for entry in listed}
    for record in files.project_files(center, name):
        offered = entries.get(record.filename)
        if offered is not None and offered["hashes"]["sha256"] != record.sha256:
            _report(center, record, offered)
        entries[record.filename] = _pinned_entry(record)
    return [
        served_entry(center, entry, name=name, center_url=center_url)
        for entry in entries.values()
    ]


def _report(center: Any, record: files.UpstreamFile, offered: dict) -> None:
    sha256 = offered["hashes"]["sha256"]
    if files.refuse(center, record=record, offered=sha256, source=offered["source"]):
        logger.warning(
            "Refused %s from %s: its sha256 changed from %s to %s; the fetched "
            "file is served.",
            record.filename,
            offered["source"],
            record.sha256,
            sha256,
        )


def _pinned_entry(record: files.UpstreamFile) -> dict:
    return {
        "filename": record.filename,
        "hashes": {"sha256": record.sha256},
        "requires-python": record.requires_python,
        "size": record.size,
        "upload-time": record.upload_time,
        "yanked": record.yanked,
        "source": record.source,
    }


def served_entry(center: Any, entry: dict, *, name: str, center_url: str) -> dict:
    """Return an upstream entry with the center's URL and the keys it vouches for."""
    filename = entry["filename"]
    metadata = files.pinned_metadata(center, filename)
    offered = entry.get("core-metadata") or entry.get("data-dist-info-metadata")
    if metadata is not None:
        metadata_hash: dict | bool = {"sha256": metadata[0]}
    elif isinstance(offered, dict) and isinstance(offered.get("sha256"), str):
        metadata_hash = {"sha256": offered["sha256"]}
    else:
        metadata_hash = False
    yanked = entry.get("yanked") or False
    return {
        "filename": filename,
        "url": f"{center_url}/{FILES_SEGMENT}/{name}/{filename}",
        "hashes": {"sha256": entry["hashes"]["sha256"]},
        "requires-python": entry.get("requires-python") or None,
        "size": entry.get("size"),
        "upload-time": entry.get("upload-time"),
        "yanked": yanked if isinstance(yanked, (bool, str)) else bool(yanked),
        "core-metadata": metadata_hash,
        "data-dist-info-metadata": metadata_hash,
    }


def fetched_count(center: Any) -> int:
    """Return how many upstream files the center keeps: a version of its list."""
    return files.fetched_count(center)


def _offered_entry(
    center: Any, name: str, filename: str
) -> tuple[dict | None, UpstreamSettings]:
    settings = upstream_settings(center)
    if not may_fetch(center, name, local=is_local(center, name), settings=settings):
        return None, settings
    for entry in upstream_entries(center, name, settings):
        if entry["filename"] == filename:
            return entry, settings
    return None, settings


def archive(
    center: Any, name: str, filename: str
) -> tuple[files.UpstreamFile, BinaryIO] | None:
    """Return a fetched upstream archive and a stream of its bytes, fetching it once.

    Raise FetchRefused when the upstream sends other bytes than its page's
    sha256 or cannot be read; nothing is kept then.
    """
    record = files.pinned(center, filename)
    if record is not None:
        settings = upstream_settings(center)
        if record.project != name or not may_fetch(
            center, name, local=is_local(center, name), settings=settings
        ):
            return None
        return record, get_storage(record.storage).open(record, center=center)
    entry, settings = _offered_entry(center, name, filename)
    if entry is None or settings.offline:
        return None
    limit = center.upload_size_limit * MIB
    # Handed on to the response, which closes it after the last chunk.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        size = _download(entry, spool, limit=limit)
    except FetchRefused:
        spool.close()
        raise
    storage = getattr(center, "storage", None) or DEFAULT_STORAGE
    record = files.UpstreamFile(
        filename=filename, project=name, entry=entry, size=size, storage=storage
    )
    spool.seek(0)
    get_storage(storage).store(record, _chunks(spool), center=center)
    files.pin(center, record)
    logger.info(
        "Fetched %s from %s, sha256 %s.", filename, entry["source"], record.sha256
    )
    spool.seek(0)
    return record, spool


def _download(entry: dict, target: IO[bytes], *, limit: int) -> int:
    try:
        sha256, size = client.download_to(
            entry["url"], target, limit=limit, hosts=client.file_hosts(entry["source"])
        )
    except client.UpstreamError as error:
        raise FetchRefused(str(error)) from None
    if sha256 != entry["hashes"]["sha256"]:
        logger.warning(
            "Refused %s from %s: its bytes do not match the page's sha256.",
            entry["filename"],
            entry["source"],
        )
        raise FetchRefused(
            f"The upstream sent {entry['filename']} with another sha256 than its "
            "page gives; the file was not kept."
        )
    return size


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(1 << 16):
        yield chunk


def core_metadata(center: Any, name: str, filename: str) -> bytes | None:
    """Return the ``.metadata`` file of an upstream archive, fetching it once."""
    kept = files.pinned_metadata(center, filename)
    if kept is not None:
        return kept[1]
    entry, settings = _offered_entry(center, name, filename)
    if entry is None or settings.offline:
        return None
    offered = entry.get("core-metadata") or entry.get("data-dist-info-metadata")
    if not isinstance(offered, dict) or not isinstance(offered.get("sha256"), str):
        return None
    metadata_entry = {
        **entry,
        "url": entry["url"] + ".metadata",
        "hashes": {"sha256": offered["sha256"]},
    }
    with tempfile.SpooledTemporaryFile(max_size=MAX_METADATA_BYTES) as target:
        _download(metadata_entry, target, limit=MAX_METADATA_BYTES)
        target.seek(0)
        body = target.read()
    files.pin_metadata(center, filename, offered["sha256"], body)
    return body


def conflicts(center: Any) -> dict:
    """Return the upstream projects that local or reserved names shadow; refusals.

    A tracked upstream project is no local name: it shadows nothing.
    """
    settings = upstream_settings(center)
    shadowed = []
    names = set(local_names(center)) | _reserved_upstream_names(center, settings)
    for name in sorted(names):
        for index_url in settings.urls:
            page = _cached_page(center, index_url, name, settings)
            if page is None:
                continue
            versions = sorted(
                {
                    str(parse_filename(entry["filename"]).version)
                    for entry in page.get("files") or ()
                    if _offered(entry, name)
                }
            )
            shadowed.append(
                {
                    "name": name,
                    "local": is_local(center, name),
                    "reserved": reserved_pattern(center=center, name=name),
                    "merged": name in settings.allow_list,
                    "index": client.public_url(index_url),
                    "versions": versions,
                }
            )
    return {"shadowed": shadowed, "refused": files.refusals(center)}


def _reserved_upstream_names(center: Any, settings: UpstreamSettings) -> set[str]:
    if settings.offline or not getattr(center, "reserved_names", None):
        return set()
    names = set()
    for index_url in settings.urls:
        try:
            fetched = client.fetch_page(f"{index_url.rstrip('/')}/")
        except client.UpstreamError as error:
            logger.warning("Upstream project list not read: %s", error)
            continue
        for project in (fetched.page or {}).get("projects") or ():
            try:
                name = normalize_name(str(project.get("name") or ""))
            except (AttributeError, InvalidName):
                continue
            if reserved_pattern(center=center, name=name) is not None:
                names.add(name)
    return names
