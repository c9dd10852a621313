"""A store of values bounded in bytes, least recently used out, shared by threads.

The in-memory stores of the index (rendered simple pages, fetched upstream
pages, the replay filter's answers) differ in what they keep and how they
size it, not in how they bound it; this is that part. A leaf: it imports
nothing of the package.
"""

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic
from typing import TypeVar

import threading


V = TypeVar("V")


class SizedLRU(Generic[V]):
    """Values per key, at most ``max_bytes`` in all, least recently used first out.

    Each value is put with its size in bytes, as its owner counts it. A value
    larger than ``max_entry_bytes`` (default: ``max_bytes``) is not kept;
    ``max_entries``, when given, bounds the count as well. Every operation
    holds one lock, so the store may be shared by the server's threads.
    """

    def __init__(
        self,
        max_bytes: int,
        *,
        max_entries: int | None = None,
        max_entry_bytes: int | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.max_entry_bytes = max_bytes if max_entry_bytes is None else max_entry_bytes
        self.total = 0
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> V | None:
        """Return the value of a key, now the most recently used, or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: V, size: int) -> bool:
        """Keep a value in place of the key's, dropping the least recently used.

        Return whether it is kept (not when it is over ``max_entry_bytes``).
        """
        with self._lock:
            self._drop(key)
            return self._keep(key, value, size)

    def setdefault(self, key: Hashable, value: V, size: int) -> V:
        """Return the key's value if it has one, else keep and return ``value``."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                return item[0]
            self._keep(key, value, size)
            return value

    def discard(self, key: Hashable, value: V | None = None) -> None:
        """Forget a key, or only while its value is ``value`` (when given)."""
        with self._lock:
            item = self._items.get(key)
            if item is not None and (value is None or item[0] is value):
                self._drop(key)

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._items.clear()
            self.total = 0

    def _keep(self, key: Hashable, value: V, size: int) -> bool:
        if size > self.max_entry_bytes:
            return False
        while self._items and (
            self.total + size > self.max_bytes
            or (self.max_entries is not None and len(self._items) >= self.max_entries)
        ):
            self._drop(next(iter(self._items)))
        self._items[key] = (value, size)
        self.total += size
        return True

    def _drop(self, key: Hashable) -> None:
        item = self._items.pop(key, None)
        if item is not None:
            self.total -= item[1]
