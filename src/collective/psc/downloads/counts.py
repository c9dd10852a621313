"""Add the downloads an access log records to the counts of files and projects.

Each file keeps its count in a ``download_count`` attribute, and so does
each project (the sum over its files, also those deleted since), which the
``psc_downloads`` index reads. An import writes a batch of log lines at a
time in one transaction, together with how far into the log it got, so the
counts and the remembered offset never disagree: a crash or a conflict
loses the batch and the next import reads it again. Uploads write a
project too; a batch that conflicts with one is tried again, as Zope does.
"""

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from collections import Counter
from collections.abc import Iterable
from collective.psc import constants
from collective.psc.downloads.logs import downloaded_filename
from collective.psc.downloads.logs import log_identity
from collective.psc.downloads.logs import parse_line
from collective.psc.downloads.logs import read_batches
from collective.psc.services import distributions
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.types import Project
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from pathlib import Path
from plone import api

import transaction


# Lines of a log read, counted and committed at a time.
BATCH_LINES = 20_000
# Attempts of a batch that conflicts with the running site, as Zope does.
ATTEMPTS = 4


@dataclass
class ImportReport:
    """What importing one log found and added."""

    path: Path
    identity: str | None
    start: int = 0
    end: int = 0
    lines: int = 0
    malformed: int = 0
    files: Counter = field(default_factory=Counter)
    projects: Counter = field(default_factory=Counter)
    unknown: Counter = field(default_factory=Counter)
    # Another import of the same log committed first; this one stopped.
    overtaken: bool = False

    @property
    def downloads(self) -> int:
        """Return the downloads of files of the center."""
        return sum(self.files.values())


def count_downloads(lines: Iterable[str], *, prefixes: Iterable[str]) -> tuple:
    """Return the downloads per filename of log lines and how many lines were no log."""
    prefixes = list(prefixes)
    counts: Counter = Counter()
    malformed = 0
    for line in lines:
        request = parse_line(line)
        if request is None:
            malformed += 1
            continue
        filename = downloaded_filename(request, prefixes=prefixes)
        if filename is not None:
            counts[filename] += 1
    return counts, malformed


def imported_logs(center: Center) -> dict[str, dict]:
    """Return what was imported of each log, by the digest of its first line."""
    imports = getattr(aq_base(center), "download_imports", None)
    return dict(imports.items()) if imports is not None else {}


def file_downloads(distribution: Distribution) -> int:
    """Return the downloads counted of a file."""
    return getattr(aq_base(distribution), "download_count", None) or 0


def project_downloads(project: Project) -> int:
    """Return the downloads counted of a project's files."""
    return getattr(aq_base(project), "download_count", None) or 0


def import_log(
    *,
    center: Center,
    path: Path,
    prefixes: Iterable[str],
    dry_run: bool = False,
    batch_lines: int = BATCH_LINES,
) -> ImportReport:
    """Count the downloads a log added since its last import; commit them in batches.

    With ``dry_run`` nothing is written and the report tells what an
    import would add.
    """
    prefixes = list(prefixes)
    identity = log_identity(path)
    report = ImportReport(path=path, identity=identity)
    if identity is None:
        return report
    state = imported_logs(center).get(identity)
    report.start = report.end = state["offset"] if state else 0
    for lines, end in read_batches(path, offset=report.start, lines=batch_lines):
        counts, malformed = count_downloads(lines, prefixes=prefixes)
        added: tuple[Counter[str], Counter[str], Counter[str]] | None
        if dry_run:
            added = _resolve(center, counts)
        else:
            added = _commit_batch(
                center,
                identity=identity,
                path=path,
                start=report.end,
                end=end,
                lines=len(lines),
                counts=counts,
            )
            if added is None:
                report.overtaken = True
                break
        files, projects, unknown = added
        report.files.update(files)
        report.projects.update(projects)
        report.unknown.update(unknown)
        report.lines += len(lines)
        report.malformed += malformed
        report.end = end
    return report


def _commit_batch(center: Center, **batch) -> tuple | None:
    for attempt in transaction.manager.attempts(ATTEMPTS):
        with attempt:
            added = add_downloads(center=center, **batch)
            if added is None:
                transaction.abort()
    return added


def add_downloads(
    *,
    center: Center,
    identity: str,
    path: Path,
    start: int,
    end: int,
    lines: int,
    counts: Counter,
) -> tuple | None:
    """Add the downloads of a log's bytes start..end in the current transaction.

    Return the downloads added per file, per project and of unknown
    files, or None when the log's import is no longer at ``start``
    (another import got there first) and nothing was added.
    """
    imports = getattr(aq_base(center), "download_imports", None)
    if imports is None:
        imports = center.download_imports = OOBTree()
    state = imports.get(identity)
    if (state["offset"] if state else 0) != start:
        return None
    files, projects, unknown = _resolve(center, counts)
    for filename, count in files.items():
        distribution = distributions.get_file(center=center, filename=filename)
        distribution.download_count = file_downloads(distribution) + count
    for name, count in projects.items():
        project = center[name]
        project.download_count = project_downloads(project) + count
        project.reindexObject(idxs=["psc_downloads"])
    imports[identity] = {
        "offset": end,
        "lines": (state["lines"] if state else 0) + lines,
        "downloads": (state["downloads"] if state else 0) + sum(files.values()),
        "path": str(path),
        "imported": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return files, projects, unknown


def _resolve(center: Center, counts: Counter) -> tuple[Counter, Counter, Counter]:
    # A filename counts when its file is still in the center; a deleted
    # file's archive is gone from the mirror too.
    files: Counter[str] = Counter()
    projects: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for filename, count in counts.items():
        if distributions.find_file(center=center, filename=filename) is None:
            unknown[filename] += count
            continue
        files[filename] += count
        projects[center.filenames[filename]] += count
    return files, projects, unknown


def top_projects(*, center: Center, limit: int) -> list[tuple[str, int]]:
    """Return the most downloaded projects with their counts, from the catalog."""
    catalog = api.portal.get_tool("portal_catalog")
    results = catalog.searchResults(
        portal_type=constants.PROJECT_TYPE,
        path={"query": "/".join(center.getPhysicalPath()), "depth": 1},
        psc_downloads={"query": 1, "range": "min"},
        sort_on="psc_downloads",
        sort_order="descending",
        sort_limit=limit,
    )
    return [(brain.getId, brain.psc_downloads) for brain in results[:limit]]
