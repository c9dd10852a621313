"""Bring a mirror tree up to date with its center: incrementally, fully, or check it.

Order matters to readers of the tree: archives first, then project pages,
then the project list, and removals last, so that no page ever links to a
file that is not there yet or not there any more.
"""

from collections.abc import Callable
from collections.abc import Iterable
from collective.psc import journal
from collective.psc.mirroring import export
from collective.psc.mirroring import listing
from collective.psc.mirroring.export import Archive
from collective.psc.mirroring.writer import STATUS_FILE
from collective.psc.mirroring.writer import Tree
from collective.psc.services import archives
from collective.psc.tracked import is_tracked
from collective.psc.types import Center
from dataclasses import dataclass
from dataclasses import field

import hashlib
import os


# Entries that add a project to the list or take one out of it: the HTML
# of the list names projects only, so other changes leave it as it is.
LISTING_ACTIONS = frozenset({journal.CREATE_PROJECT, journal.REMOVE_PROJECT})


@dataclass
class Report:
    """What an export or a resync wrote into a tree."""

    serial: int = 0
    pages: int = 0
    linked: int = 0
    copied: int = 0
    metadata: int = 0
    removed: int = 0

    def count(self, how: str) -> None:
        """Count one archive or .metadata file placed into the tree."""
        setattr(self, how, getattr(self, how) + 1)


@dataclass
class Differences:
    """How a tree differs from its center."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.mismatched)


def export_changes(center: Center, tree: Tree, *, center_path: str) -> Report:
    """Write what changed since the tree's last export (all of it the first time)."""
    status = tree.read_status() or {}
    history = center.journal
    since = status.get("serial", 0)
    if status.get("journal") != history.uid:
        return resync(center, tree, center_path=center_path)
    report = Report(serial=history.last_serial)
    # A tree ahead of what this process reads was exported by another
    # instance from a later state, which holds this process's commits too:
    # writing now would put an older state over a newer one.
    if since >= history.last_serial:
        return report
    entries = list(history.entries(since))
    names = list(dict.fromkeys(entry.project for entry in entries))
    pages: dict[str, bytes] = {}
    stale: set[str] = set()
    for name in names:
        directory = export.page_dir(name)
        linked = export.linked_paths(tree.read(f"{directory}/{export.JSON_FILE}"))
        project = center.get(name)
        if project is None or is_tracked(project):
            stale |= linked | {f"{directory}/{item}" for item in export.PAGE_FILES}
            continue
        current = set()
        for archive in export.archives(project):
            current.add(archive.path)
            if not (tree.root / archive.path).exists():
                report.count(place(tree, archive))
        pages.update(export.project_files(project, serial=history.project_serial(name)))
        stale |= linked - current
    # The list is kept between exports and follows the journal: no export
    # reads every project's serial or id, or renders a list whose names
    # did not change.
    projects = listing.project_list(center, tree.root)
    names_changed = any(entry.action in LISTING_ACTIONS for entry in entries)
    pages.update(
        export.root_files(projects.page, html=names_changed or not _has_root(tree))
    )
    for path, body in pages.items():
        tree.write(path, body)
    report.pages = len(pages)
    report.removed = sum(tree.remove(path) for path in sorted(stale))
    _write_status(tree, center, center_path)
    return report


def resync(
    center: Center,
    tree: Tree,
    *,
    center_path: str,
    progress: Callable[[Iterable, int], Iterable] = lambda items, total: items,
) -> Report:
    """Make the whole tree match the center, writing only what differs."""
    report = Report(serial=center.journal.last_serial)
    expected: set[str] = set()
    for name, project in progress(center.objectItems(), center.objectCount()):
        if is_tracked(project):
            continue
        for archive in export.archives(project):
            expected.add(archive.path)
            if not matches(tree, archive):
                report.count(place(tree, archive))
        files = export.project_files(
            project, serial=center.journal.project_serial(name)
        )
        expected.update(files)
        report.pages += tree.write_many(files)
    projects = listing.ProjectList.build(center)
    root = export.root_files(projects.page)
    expected.update(root)
    report.pages += tree.write_many(root)
    extra = sorted(path for path in tree.files() if path not in expected)
    report.removed = sum(tree.remove(path) for path in extra)
    _write_status(tree, center, center_path)
    listing.keep(tree.root, projects)
    return report


def verify(center: Center, tree: Tree) -> Differences:
    """List the files a tree misses, has in excess, or holds with other bytes."""
    differences = Differences()
    expected: set[str] = set()

    def check(path: str, good: bool) -> None:
        expected.add(path)
        if not (tree.root / path).is_file():
            differences.missing.append(path)
        elif not good:
            differences.mismatched.append(path)

    for name, files in export.expected_pages(center):
        for path, body in files.items():
            check(path, tree.read(path) == body)
        if name is not None:
            for archive in export.archives(center[name]):
                check(archive.path, matches(tree, archive))
    status = tree.read_status()
    if status is None:
        differences.missing.append(STATUS_FILE)
    elif (status.get("journal"), status.get("serial")) != (
        center.journal.uid,
        center.journal.last_serial,
    ):
        differences.mismatched.append(STATUS_FILE)
    differences.extra = sorted(path for path in tree.files() if path not in expected)
    return differences


def place(tree: Tree, archive: Archive) -> str:
    """Put an archive or its .metadata into the tree; return how it got there."""
    distribution = archive.distribution
    if archive.metadata and distribution.core_metadata is not None:
        tree.write(archive.path, distribution.core_metadata)
        return "metadata"
    how = tree.link_or_copy(
        archive.path,
        archives.archive_path(distribution),
        lambda: archives.open_archive(distribution),
    )
    return "linked" if how == "link" else "copied"


def matches(tree: Tree, archive: Archive) -> bool:
    """Tell whether the tree holds an archive or .metadata with the right bytes."""
    target = tree.root / archive.path
    distribution = archive.distribution
    if archive.metadata:
        return tree.read(archive.path) == distribution.core_metadata
    try:
        size = target.stat().st_size
    except FileNotFoundError:
        return False
    if size != distribution.size:
        return False
    source = archives.archive_path(distribution)
    if source is not None and _same_file(source, target):
        return True
    digest = hashlib.sha256()
    with open(target, "rb") as handle:
        while chunk := handle.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest() == distribution.sha256


def _same_file(first, second) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _has_root(tree: Tree) -> bool:
    return (tree.root / export.page_dir() / export.HTML_FILE).exists()


def _write_status(tree: Tree, center: Center, center_path: str) -> None:
    tree.write(
        STATUS_FILE,
        tree.status_bytes(
            center_path=center_path,
            journal=center.journal.uid,
            serial=center.journal.last_serial,
        ),
    )
