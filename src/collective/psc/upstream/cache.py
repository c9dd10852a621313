"""Keep fetched upstream pages in memory, bounded, with a lifetime and an ETag.

Pages live in memory, not in the ZODB: an upstream page changes whenever the
upstream publishes, and writing each refresh into the database would grow it
with every request. What must survive a restart, the files fetched and their
hashes, is kept in the ZODB by ``files.py``; a page lost from memory is
fetched again, or built from those files when the upstream is out of reach.
"""

from collective.psc.lru import SizedLRU
from dataclasses import dataclass
from threading import Lock

import json
import time


MAX_ENTRIES = 4096
MAX_BYTES = 64 << 20


@dataclass(frozen=True)
class Entry:
    """A fetched page: its data, its ETag, when it was fetched and its size."""

    page: dict | None
    etag: str | None
    fetched: float
    size: int

    def fresh(self, ttl: int) -> bool:
        """Tell whether the page may be used without revalidating it."""
        return time.monotonic() - self.fetched < ttl


class PageCache:
    """A least-recently-used cache of pages, shared by the server's threads."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._entries: SizedLRU[Entry] = SizedLRU(max_bytes, max_entries=max_entries)

    def get(self, key: tuple) -> Entry | None:
        """Return the entry of a key, or None."""
        return self._entries.get(key)

    def put(self, key: tuple, page: dict | None, etag: str | None) -> Entry:
        """Keep a page under a key, dropping the oldest pages over the bounds."""
        size = len(json.dumps(page)) if page is not None else 0
        entry = Entry(page=page, etag=etag, fetched=time.monotonic(), size=size)
        self._entries.put(key, entry, size)
        return entry

    def clear(self) -> None:
        """Forget every page."""
        self._entries.clear()


PAGES = PageCache()


# How long an upstream index that failed is left alone (at most the TTL).
RETRY_AFTER = 30


class Unreachable:
    """The upstream indexes that failed lately, asked again only after a while.

    Without this, every request for a page the cache cannot answer would
    wait for a dead upstream again (up to the client's timeout, holding a
    server thread), whatever name it asks for.
    """

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = Lock()

    def failed(self, index_url: str, ttl: int) -> None:
        """Remember that an index failed; leave it alone for a while."""
        pause = min(RETRY_AFTER, ttl)
        if pause > 0:
            with self._lock:
                self._until[index_url] = time.monotonic() + pause

    def resting(self, index_url: str) -> bool:
        """Tell whether an index failed too recently to be asked again."""
        with self._lock:
            until = self._until.get(index_url)
            if until is None:
                return False
            if time.monotonic() < until:
                return True
            del self._until[index_url]
            return False

    def clear(self) -> None:
        """Forget every failure."""
        with self._lock:
            self._until.clear()


UNREACHABLE = Unreachable()
