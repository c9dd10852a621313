"""What a center keeps of upstream files: the fetched files, their hashes, refusals.

These records are the center's memory of the upstream and live in the ZODB:
a file's sha256 is pinned the first time the file is fetched, and an upstream
page that later offers other bytes under the same filename is refused and
recorded here, for the conflict report.
"""

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from collective.psc.interfaces import IArchiveRecords
from datetime import datetime
from datetime import UTC
from persistent import Persistent
from typing import Any
from zope.interface import implementer


FILES_ATTRIBUTE = "_psc_upstream_files"
PROJECTS_ATTRIBUTE = "_psc_upstream_projects"
METADATA_ATTRIBUTE = "_psc_upstream_metadata"
REFUSALS_ATTRIBUTE = "_psc_upstream_refusals"


class UpstreamFile(Persistent):
    """An archive fetched from an upstream index, stored by the center's storage."""

    def __init__(
        self, *, filename: str, project: str, entry: dict, size: int, storage: str
    ):
        self.filename = filename
        self.project = project
        # The strategy that keeps the bytes, as distribution files record it:
        # the center's storage may change later.
        self.storage = storage
        self.sha256 = entry["hashes"]["sha256"]
        self.size = size
        self.source = entry["source"]
        self.requires_python = entry.get("requires-python")
        self.upload_time = entry.get("upload-time")
        self.yanked = entry.get("yanked") or False
        self.fetched = datetime.now(UTC)


def _tree(center: Any, attribute: str) -> OOBTree | None:
    return getattr(aq_base(center), attribute, None)


def _new_tree(center: Any, attribute: str) -> OOBTree:
    tree = _tree(center, attribute)
    if tree is None:
        tree = OOBTree()
        setattr(center, attribute, tree)
    return tree


def pinned(center: Any, filename: str) -> UpstreamFile | None:
    """Return the record of a fetched upstream file, or None."""
    tree = _tree(center, FILES_ATTRIBUTE)
    return None if tree is None else tree.get(filename)


@implementer(IArchiveRecords)
class PinnedFiles:
    """The files a center fetched from upstream indexes, as records of archives."""

    def __init__(self, center: Any) -> None:
        self.center = center

    def find(self, filename: str) -> UpstreamFile | None:
        """Return the record of a fetched upstream file, or None."""
        return pinned(self.center, filename)


def pin(center: Any, record: UpstreamFile) -> None:
    """Record a fetched upstream file and its hash."""
    _new_tree(center, FILES_ATTRIBUTE)[record.filename] = record
    projects = _new_tree(center, PROJECTS_ATTRIBUTE)
    names = projects.get(record.project)
    if names is None:
        names = projects[record.project] = OOTreeSet()
    names.add(record.filename)


def project_files(center: Any, project: str) -> list[UpstreamFile]:
    """Return the fetched files of an upstream project, by filename."""
    projects = _tree(center, PROJECTS_ATTRIBUTE) or {}
    found = (pinned(center, filename) for filename in projects.get(project, ()))
    return [record for record in found if record is not None]


def fetched_projects(center: Any) -> set[str]:
    """Return the names of the upstream projects with fetched files."""
    return set(_tree(center, PROJECTS_ATTRIBUTE) or ())


def fetched_count(center: Any) -> int:
    """Return how many upstream files the center keeps."""
    tree = _tree(center, FILES_ATTRIBUTE)
    return 0 if tree is None else len(tree)


def pinned_metadata(center: Any, filename: str) -> tuple[str, bytes] | None:
    """Return the sha256 and bytes of a fetched ``.metadata`` file, or None."""
    tree = _tree(center, METADATA_ATTRIBUTE)
    return None if tree is None else tree.get(filename)


def pin_metadata(center: Any, filename: str, sha256: str, body: bytes) -> None:
    """Record a fetched ``.metadata`` file of an upstream archive."""
    _new_tree(center, METADATA_ATTRIBUTE)[filename] = (sha256, body)


def refuse(center: Any, *, record: UpstreamFile, offered: str, source: str) -> bool:
    """Record that an upstream offered other bytes for a pinned file; tell if new."""
    tree = _new_tree(center, REFUSALS_ATTRIBUTE)
    key = (record.filename, offered)
    if key in tree:
        return False
    tree[key] = {
        "project": record.project,
        "filename": record.filename,
        "pinned_sha256": record.sha256,
        "offered_sha256": offered,
        "source": source,
        "refused": datetime.now(UTC).isoformat(),
    }
    return True


def refusals(center: Any) -> list[dict]:
    """Return every recorded refusal, oldest filename first."""
    tree = _tree(center, REFUSALS_ATTRIBUTE) or {}
    return [dict(item) for item in tree.values()]


def provenance(distribution: Any) -> dict | None:
    """Return where an imported distribution file came from, or None."""
    value = getattr(aq_base(distribution), "provenance", None)
    return dict(value) if value else None
