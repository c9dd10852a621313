"""The per-center journal: entries with a dense serial that grows in commit order.

Concurrent transactions that each append entries do not conflict: the journal
head resolves write conflicts by renumbering the entries of the transaction
that commits later after those of the one that committed first. The storage
resolves conflicts one commit at a time, so serials follow commit order, are
never reused and have no gaps. The serial an entry gets is therefore known
only after commit; nothing else stores it, everything asks the journal.
"""

from BTrees.LOBTree import LOBTree
from BTrees.OLBTree import OLBTree
from collections.abc import Iterator
from collective.psc.interfaces import IJournal
from datetime import datetime
from datetime import UTC
from persistent import Persistent
from typing import NamedTuple
from ZODB.POSException import ConflictError
from zope.interface import implementer

import uuid


# Entries stay on the head, which is rewritten on every append, until this many
# have piled up; then one transaction moves them into the archive BTrees.
FLUSH_AT = 64

CREATE_PROJECT = "create project"
UPDATE_PROJECT = "update project"
REMOVE_PROJECT = "remove project"
CREATE_RELEASE = "create release"
UPDATE_RELEASE = "update release"
REMOVE_RELEASE = "remove release"
ADD_FILE = "add file"
REMOVE_FILE = "remove file"
YANK = "yank"
UNYANK = "unyank"


class JournalEntry(NamedTuple):
    """One change of a center."""

    serial: int
    timestamp: float
    project: str
    version: str
    filename: str
    action: str
    user: str

    @property
    def time(self) -> datetime:
        """Return the UTC time of the change."""
        return datetime.fromtimestamp(self.timestamp, UTC)


@implementer(IJournal)
class Journal(Persistent):
    """Append-only journal of one center, safe under concurrent appends."""

    # Journals made before ``uid`` existed share this one.
    uid = "journal"
    # Private to Python: neither published on the web nor reachable from
    # restricted code, whoever asks.
    __roles__ = ()
    __allow_access_to_unprotected_subobjects__ = False

    def __init__(self) -> None:
        # Tells this journal's serials from those of a journal that replaced
        # it (a center deleted and made again starts at serial 1 again).
        self.uid = uuid.uuid4().hex
        self._last = 0
        self._recent: tuple[tuple, ...] = ()
        self._archived_to = 0
        self._archive = LOBTree()
        self._project_serials = OLBTree()

    @property
    def last_serial(self) -> int:
        """Return the serial of the newest entry, 0 when empty."""
        return self._last

    def append(
        self,
        *,
        project: str,
        action: str,
        version: str = "",
        filename: str = "",
        user: str = "",
        timestamp: float | None = None,
    ) -> None:
        """Record a change; its serial is fixed in commit order."""
        if len(self._recent) >= FLUSH_AT:
            self._flush()
        when = datetime.now(UTC).timestamp() if timestamp is None else timestamp
        serial = self._last + 1
        self._recent = (
            *self._recent,
            (serial, when, project, version, filename, action, user),
        )
        self._last = serial

    def project_serial(self, project: str) -> int:
        """Return the serial of the newest entry of a project, 0 when none."""
        for entry in reversed(self._recent):
            if entry[2] == project:
                return entry[0]
        return self._project_serials.get(project, 0)

    def project_serials(self) -> dict[str, int]:
        """Return the last serial of every project that has entries."""
        serials = dict(self._project_serials.items())
        for entry in self._recent:
            serials[entry[2]] = entry[0]
        return serials

    def entries(self, since: int = 0) -> Iterator[JournalEntry]:
        """Iterate over the entries with a serial above ``since``, oldest first."""
        if since < self._archived_to:
            for entry in self._archive.values(min=since + 1):
                yield JournalEntry(*entry)
        for entry in self._recent:
            if entry[0] > since:
                yield JournalEntry(*entry)

    def __len__(self) -> int:
        return self._last

    def _flush(self) -> None:
        for entry in self._recent:
            self._archive[entry[0]] = entry
            self._project_serials[entry[2]] = entry[0]
        self._archived_to = self._recent[-1][0]
        self._recent = ()

    def _p_resolveConflict(self, old: dict, committed: dict, new: dict) -> dict:
        """Merge two concurrent appends, numbering ours after theirs."""
        flushed_by_them = committed["_archived_to"] != old["_archived_to"]
        flushed_by_us = new["_archived_to"] != old["_archived_to"]
        if flushed_by_them and flushed_by_us:
            raise ConflictError("Both transactions archived the journal head.")
        ours = [entry for entry in new["_recent"] if entry[0] > old["_last"]]
        theirs = [entry for entry in committed["_recent"] if entry[0] > old["_last"]]
        start = committed["_last"] + 1
        renumbered = tuple(
            (start + offset, *entry[1:]) for offset, entry in enumerate(ours)
        )
        resolved = dict(committed)
        if flushed_by_us:
            resolved["_recent"] = (*theirs, *renumbered)
            resolved["_archived_to"] = new["_archived_to"]
        else:
            resolved["_recent"] = (*committed["_recent"], *renumbered)
        resolved["_last"] = committed["_last"] + len(renumbered)
        return resolved
