"""Build the data of a release feed; ``render.py`` writes it as Atom or RSS.

A release enters a feed once, when its first file was uploaded (its
``release_date``); a release registered without files, or whose files were
all deleted, is not in it. A center's feed finds its newest releases by
walking the journal backwards, so it loads only the releases it shows.
"""

from collections.abc import Iterator
from collective.psc.journal import ADD_FILE
from collective.psc.journal import Journal
from collective.psc.journal import JournalEntry
from collective.psc.services import releases
from collective.psc.types import Center
from collective.psc.types import Project
from collective.psc.types import Release
from datetime import datetime
from datetime import UTC

import heapq


FEED_SIZE = 50
# How many journal entries are read at a time while walking backwards.
WINDOW = 256


def newest_first(journal: Journal, *, window: int = WINDOW) -> Iterator[JournalEntry]:
    """Iterate over a journal's entries, newest first, a window at a time."""
    upper = journal.last_serial
    while upper > 0:
        lower = max(upper - window, 0)
        batch = []
        for entry in journal.entries(since=lower):
            if entry.serial > upper:
                break
            batch.append(entry)
        yield from reversed(batch)
        upper = lower


def last_change(journal: Journal, *, serial: int) -> datetime | None:
    """Return the time of the journal entry of a serial, None for serial 0."""
    if serial <= 0:
        return None
    return next(journal.entries(since=serial - 1)).time


def release_entry(project: Project, release: Release, *, center_url: str) -> dict:
    """Return the feed entry of a release."""
    project_url = f"{center_url}/{project.getId()}"
    # A yanked release stays in the feed, marked as everywhere it is listed.
    mark = " (yanked)" if release.yanked else ""
    return {
        "id": f"{project_url}/{release.getId()}",
        "title": f"{project.display_name} {release.version}{mark}",
        "project": project.display_name,
        "version": release.version,
        "summary": release.description or project.description or "",
        "url": f"{project_url}/{release.getId()}",
        "published": release.release_date.astimezone(UTC),
    }


def center_entries(
    center: Center, *, center_url: str, size: int = FEED_SIZE
) -> list[dict]:
    """Return the entries of a center's newest releases, newest first.

    Walking back, every release that got a file is a candidate. A release
    not met yet had all its files uploaded before the current journal entry,
    so once ``size`` candidates are newer than that entry, none can follow.
    """
    seen: set[tuple[str, str]] = set()
    newest: list[tuple[datetime, int, dict]] = []
    for entry in newest_first(center.journal):
        if entry.action != ADD_FILE:
            continue
        if len(newest) == size and newest[0][0] >= entry.time:
            break
        key = (entry.project, entry.version)
        if key in seen:
            continue
        seen.add(key)
        release = _published_release(center, entry.project, entry.version)
        if release is None:
            continue
        item = release_entry(release.aq_parent, release, center_url=center_url)
        candidate = (item["published"], len(seen), item)
        if len(newest) < size:
            heapq.heappush(newest, candidate)
        else:
            heapq.heappushpop(newest, candidate)
    return [item for _published, _order, item in sorted(newest, reverse=True)]


def project_entries(
    project: Project, *, center_url: str, size: int = FEED_SIZE
) -> list[dict]:
    """Return the entries of a project's newest releases, newest first."""
    entries = [
        release_entry(project, release, center_url=center_url)
        for release in project.releases()
        if _is_published(release)
    ]
    entries.sort(key=lambda item: item["published"], reverse=True)
    return entries[:size]


def center_feed(center: Center, *, center_url: str, size: int = FEED_SIZE) -> dict:
    """Return the feed of a center's new releases."""
    serial = center.journal.last_serial
    return {
        "title": f"New releases in {center.Title()}",
        "subtitle": center.Description() or "",
        "url": center_url,
        "author": center.Title(),
        "updated": _updated(center, last_change(center.journal, serial=serial)),
        "entries": center_entries(center, center_url=center_url, size=size),
    }


def project_feed(project: Project, *, center_url: str, size: int = FEED_SIZE) -> dict:
    """Return the feed of a project's new releases."""
    center = project.aq_parent
    serial = project.last_serial()
    return {
        "title": f"New releases of {project.display_name}",
        "subtitle": project.description or "",
        "url": f"{center_url}/{project.getId()}",
        "author": center.Title(),
        "updated": _updated(project, last_change(center.journal, serial=serial)),
        "entries": project_entries(project, center_url=center_url, size=size),
    }


def _published_release(center: Center, name: str, version: str) -> Release | None:
    project = center.get(name)
    if project is None:
        return None
    release = releases.find_release(project=project, version=version)
    return release if release is not None and _is_published(release) else None


def _is_published(release: Release) -> bool:
    # objectIds reads the release's BTree keys without loading the files.
    return release.release_date is not None and bool(release.objectIds())


def _updated(context, changed: datetime | None) -> datetime:
    if changed is not None:
        return changed
    return context.created().asdatetime().astimezone(UTC)
