"""Read tracked upstream projects into the center: ``psc upstream sync``.

A center tracks upstream projects by name and by trove classifier. A sync
reads each upstream index's project list (PEP 691, with each project's
``_last-serial``), then the JSON API document (PyPI's ``/pypi/<name>/json``)
of every project whose serial moved since the last sync, and keeps the
projects that are tracked as content marked ``IUpstreamProject``: the
listing, its filters and the project page show them, while installs still
go through the merge policy of ``upstream/proxy.py``.

Only names the policy lets the upstream answer are tracked: never a local
name (a local name always wins) or a reserved one.
"""

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from collections.abc import Callable
from collections.abc import Iterator
from collective.psc.changelog import release_notes
from collective.psc.constants import PROJECT_TYPE
from collective.psc.constants import RELEASE_TYPE
from collective.psc.exceptions import InvalidMetadata
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import InvalidVersion
from collective.psc.exceptions import SyncRefused
from collective.psc.interfaces import IUpstreamProject
from collective.psc.names import normalize_name
from collective.psc.names import parse_version
from collective.psc.names import release_id
from collective.psc.permissions import UploadDistribution
from collective.psc.services.base import add_content
from collective.psc.services.base import remove_content
from collective.psc.services.claims import reserved_pattern
from collective.psc.services.releases import latest_release
from collective.psc.services.releases import project_fields
from collective.psc.services.releases import release_fields
from collective.psc.tracked import forget_tracked
from collective.psc.tracked import is_tracked
from collective.psc.tracked import set_tracked
from collective.psc.tracked import tracked_names
from collective.psc.types import Center
from collective.psc.types import Project
from collective.psc.upload.validation import render_description
from collective.psc.upstream import client
from collective.psc.upstream import proxy
from collective.psc.upstream.behaviors import upstream_settings
from collective.psc.upstream.behaviors import UpstreamSettings
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from packaging.metadata import Metadata
from packaging.metadata import RawMetadata
from plone.dexterity.utils import createContent
from typing import Any
from typing import cast
from urllib.parse import urlsplit
from zope.interface import alsoProvides


# A project list is one page for the whole index: PyPI's is tens of MiB.
MAX_LIST_BYTES = 256 << 20
SEEN_ATTRIBUTE = "_psc_upstream_seen"
# The tracked classifiers the seen serials were judged against.
SEEN_FOR_ATTRIBUTE = "_psc_upstream_seen_for"
TEXT_FIELDS = (
    "summary",
    "description",
    "description_content_type",
    "home_page",
    "download_url",
    "license",
    "license_expression",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "requires_python",
)


@dataclass
class SyncReport:
    """What a sync did, project by project."""

    fetched: int = 0
    unchanged: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # What the sync left aside on purpose: no error, the exit status is 0.
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return the counts as one line."""
        return (
            f"{self.fetched} fetched, {self.unchanged} unchanged, {self.added} "
            f"added, {self.updated} updated, {self.removed} removed, "
            f"{len(self.skipped)} skipped, {len(self.errors)} errors"
        )


@dataclass(frozen=True)
class Candidate:
    """A project that may be tracked: its name, index and listed serial."""

    name: str
    index_url: str
    serial: int | None


def sync(
    *,
    center: Center,
    progress: Callable[[int, int, str, str], None] | None = None,
    checkpoint: Callable[[], None] | None = None,
    batch: int = 50,
) -> SyncReport:
    """Bring the center's tracked upstream projects up to date; return the counts.

    ``progress`` is told of each project looked at (done, total, name and
    what became of it: added, updated, unchanged, removed, not tracked,
    skipped, error);
    ``checkpoint`` is called after every ``batch`` changed projects, so a
    caller can commit in batches and a rerun goes on where this one stopped.
    """
    settings = upstream_settings(center)
    if settings.offline:
        raise SyncRefused(
            "The center is offline: it never asks its upstream indexes. Turn "
            "'Offline' off to sync the tracked projects."
        )
    report = SyncReport()
    if settings.tracked or settings.tracked_classifiers:
        lists, complete = _project_lists(settings, report)
    else:
        # Nothing is tracked: remove what was, without reading any list.
        lists, complete = [], True
    candidates = list(_candidates(settings, lists, complete))
    seen = _seen(center, settings)
    kept: set[str] = set()
    changes = 0
    listed = {candidate.name for candidate in candidates}
    for name in sorted(settings.tracked - listed):
        if complete:
            report.skipped[name] = "no upstream index lists it"
    for done, candidate in enumerate(candidates, start=1):
        outcome = _sync_one(center, candidate, settings, seen, report, kept)
        if progress is not None:
            progress(done, len(candidates), candidate.name, outcome)
        if outcome in ("added", "updated", "removed"):
            changes += 1
            if checkpoint is not None and changes % batch == 0:
                checkpoint()
    for name in list(tracked_names(center)):
        if name in kept or (not complete and name in settings.tracked):
            continue
        if not complete and _still_tracked(center, name, settings):
            continue
        _remove(center, name, report)
    return report


def _project_lists(
    settings: UpstreamSettings, report: SyncReport
) -> tuple[list[tuple[str, dict[str, int | None] | None]], bool]:
    """Return each index with its project list (None when unreadable)."""
    lists: list[tuple[str, dict[str, int | None] | None]] = []
    complete = True
    for index_url in settings.urls:
        if client.json_api_url(index_url, "x") is None:
            # An index used for installs only (devpi's +simple/, say).
            report.notes.append(
                f"{client.public_url(index_url)} has no JSON API beside it "
                "(its URL does not end in /simple/); it is not read for tracking."
            )
            continue
        try:
            fetched = client.fetch_page(
                f"{index_url.rstrip('/')}/", limit=MAX_LIST_BYTES
            )
        except client.UpstreamError as error:
            report.errors.append(str(error))
            lists.append((index_url, None))
            complete = False
            continue
        lists.append((index_url, listed_serials(fetched.page or {})))
    return lists, complete


def listed_serials(page: dict) -> dict[str, int | None]:
    """Return the normalized names of a project list with their ``_last-serial``."""
    listed: dict[str, int | None] = {}
    for project in page.get("projects") or ():
        try:
            name = normalize_name(str(project.get("name") or ""))
        except (AttributeError, InvalidName):
            continue
        serial = project.get("_last-serial")
        listed[name] = serial if isinstance(serial, int) else None
    return listed


def _candidates(
    settings: UpstreamSettings,
    lists: list[tuple[str, dict[str, int | None] | None]],
    complete: bool,
) -> Iterator[Candidate]:
    """Yield the projects to look at, each from the first index that lists it."""
    found: set[str] = set()
    for index_url, listed in lists:
        if listed is None:
            continue
        names = listed if settings.tracked_classifiers else settings.tracked
        for name in sorted(names):
            if name in listed and name not in found:
                found.add(name)
                yield Candidate(name, index_url, listed[name])
    if complete:
        return
    # An index whose list could not be read is asked for the tracked names.
    for index_url, listed in lists:
        if listed is None:
            for name in sorted(settings.tracked - found):
                found.add(name)
                yield Candidate(name, index_url, None)


def _seen(center: Center, settings: UpstreamSettings) -> OOBTree:
    """Return the serials read last time, forgotten when the classifiers changed."""
    judged = tuple(sorted(settings.tracked_classifiers))
    seen = getattr(aq_base(center), SEEN_ATTRIBUTE, None)
    if seen is None or getattr(aq_base(center), SEEN_FOR_ATTRIBUTE, None) != judged:
        seen = OOBTree()
        setattr(center, SEEN_ATTRIBUTE, seen)
        setattr(center, SEEN_FOR_ATTRIBUTE, judged)
    return seen


def _sync_one(
    center: Center,
    candidate: Candidate,
    settings: UpstreamSettings,
    seen: OOBTree,
    report: SyncReport,
    kept: set[str],
) -> str:
    """Look at one project; return what became of it."""
    name = candidate.name
    existing = center.get(name)
    if existing is not None and not is_tracked(existing):
        return _skip(report, name, settings, "a local project has the name")
    if reserved_pattern(center=center, name=name) is not None:
        return _skip(report, name, settings, "the name is reserved")
    if not proxy.may_fetch(center, name, local=False, settings=settings):
        return _skip(report, name, settings, "it is not a merged project")
    if existing is not None:
        stored = tracked_names(center).get(name)
    elif name in settings.tracked:
        # Judged before, maybe when it was not tracked by name: read it again.
        stored = None
    else:
        stored = seen.get(name)
    if candidate.serial is not None and candidate.serial == stored:
        if existing is None:
            # Judged not tracked at this serial by a classifier walk before.
            return "not tracked"
        report.unchanged += 1
        if name in settings.tracked or _still_tracked(center, name, settings):
            kept.add(name)
        return "unchanged"
    if existing is not None:
        # Whatever goes wrong below, an upstream error removes nothing.
        kept.add(name)
    url = client.json_api_url(candidate.index_url, name)
    try:
        fetched = client.fetch_json(url) if url else None
        report.fetched += 1
        document = fetched.page if fetched is not None else None
        if document is not None:
            check_document(document, name=name)
    except (client.UpstreamError, InvalidMetadata) as error:
        report.errors.append(str(error))
        return "error"
    if document is None:
        kept.discard(name)
        return "not tracked"
    serial = document.get("last_serial")
    serial = serial if isinstance(serial, int) else candidate.serial
    seen[name] = serial
    if not tracks(document["info"], name=name, settings=settings):
        kept.discard(name)
        return "not tracked"
    kept.add(name)
    if existing is not None and serial is not None and serial == stored:
        report.unchanged += 1
        return "unchanged"
    try:
        store_project(
            center, name=name, document=document, index_url=candidate.index_url
        )
    except (InvalidMetadata, InvalidVersion) as error:
        report.errors.append(f"{name}: {error}")
        return "error"
    set_tracked(center, name, serial)
    if existing is None:
        report.added += 1
        return "added"
    report.updated += 1
    return "updated"


def check_document(document: dict, *, name: str) -> None:
    """Refuse a JSON API document that is not the one of the project asked for."""
    info = document["info"]
    try:
        same = normalize_name(str(info.get("name") or "")) == name
    except InvalidName:
        same = False
    if not same:
        raise InvalidMetadata(
            f"{name}: the upstream's JSON API document is the one of another "
            f"project ({str(info.get('name'))[:100]!r}); it is not stored."
        )
    releases = document.get("releases")
    if releases is None:
        return
    if not isinstance(releases, dict) or not all(
        isinstance(files, list) and all(isinstance(item, dict) for item in files)
        for files in releases.values()
    ):
        raise InvalidMetadata(
            f"{name}: the upstream's JSON API document has no valid 'releases' "
            "(a mapping of versions to lists of files); it is not stored."
        )


def _skip(report: SyncReport, name: str, settings: UpstreamSettings, why: str) -> str:
    if name in settings.tracked:
        report.skipped[name] = why
        return "skipped"
    return "not tracked"


def tracks(info: dict, *, name: str, settings: UpstreamSettings) -> bool:
    """Tell whether a project is tracked: by its name or one of its classifiers."""
    if name in settings.tracked:
        return True
    classifiers = info.get("classifiers") or ()
    return any(value in settings.tracked_classifiers for value in classifiers)


def _still_tracked(center: Center, name: str, settings: UpstreamSettings) -> bool:
    project = center.get(name)
    classifiers = getattr(project, "classifiers", None) or ()
    return any(value in settings.tracked_classifiers for value in classifiers)


def _remove(center: Center, name: str, report: SyncReport) -> None:
    project = center.get(name)
    if project is not None and is_tracked(project):
        remove_content(project)
        report.removed += 1
    forget_tracked(center, name)


def metadata_from_info(info: dict) -> Metadata:
    """Return the core metadata a JSON API document's ``info`` gives.

    Fields packaging refuses (an unknown license expression, say) are left
    out rather than refusing the whole project.
    """
    raw: dict[str, Any] = {
        "metadata_version": "2.4",
        "name": str(info.get("name") or ""),
        "version": str(info.get("version") or ""),
    }
    for key in TEXT_FIELDS:
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            raw[key] = value
    classifiers = info.get("classifiers")
    if isinstance(classifiers, list):
        raw["classifiers"] = [value for value in classifiers if isinstance(value, str)]
    urls = info.get("project_urls")
    if isinstance(urls, dict):
        raw["project_urls"] = {
            str(label): url for label, url in urls.items() if isinstance(url, str)
        }
    keywords = info.get("keywords")
    if isinstance(keywords, str) and keywords.strip():
        separator = "," if "," in keywords else None
        raw["keywords"] = [word.strip() for word in keywords.split(separator)]
    elif isinstance(keywords, list):
        raw["keywords"] = [word for word in keywords if isinstance(word, str)]
    while True:
        try:
            return Metadata.from_raw(cast(RawMetadata, raw))
        except ExceptionGroup as group:  # packaging's, with each field's error
            refused = {getattr(error, "field", None) for error in group.exceptions}
            if refused & {"name", "version", "metadata_version", None}:
                raise InvalidMetadata(
                    f"The upstream gives no valid name and version: {group}"
                ) from None
            for refused_field in refused:
                raw.pop(str(refused_field), None)


def store_project(
    center: Center, *, name: str, document: dict, index_url: str
) -> Project:
    """Create or update the tracked project of a JSON API document."""
    info = document["info"]
    metadata = metadata_from_info(info)
    try:
        description_html = render_description(metadata)
    except InvalidMetadata:
        description_html = None
    project = center.get(name)
    if project is None:
        project = createContent(PROJECT_TYPE, id=name, title=metadata.name)
        alsoProvides(project, IUpstreamProject)
        project = add_content(center, project)
    project.upstream_index = client.public_url(index_url)
    project.upstream_url = source_url(info, index_url=index_url, name=name)
    for key, value in project_fields(metadata, description_html).items():
        setattr(project, key, value)
    _store_releases(project, document.get("releases") or {})
    latest = latest_release(project=project)
    if latest is not None and str(latest.parsed_version) == str(metadata.version):
        for key, value in release_fields(metadata).items():
            setattr(latest, key, value)
        if not (latest.changelog or "").strip():
            latest.changelog = release_notes(metadata.description or "", latest.version)
    project.reindexObject()
    return project


def source_url(info: dict, *, index_url: str, name: str) -> str:
    """Return the page of a project on its upstream, without credentials."""
    for key in ("project_url", "package_url"):
        value = info.get(key)
        if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
            return client.public_url(value)
    return client.public_url(client.project_url(index_url, name))


def _store_releases(project: Project, releases: dict) -> None:
    """Make the project's releases those of the upstream, without files."""
    wanted = {}
    for version, files in releases.items():
        try:
            wanted[release_id(parse_version(version))] = (version, files or [])
        except InvalidVersion:
            continue
    for release in project.releases():
        if release.getId() not in wanted:
            remove_content(release)
    for identifier, (version, files) in wanted.items():
        release = project.get(identifier)
        if release is None:
            display = str(parse_version(version))
            release = createContent(
                RELEASE_TYPE,
                id=identifier,
                title=f"{project.display_name} {display}",
                version=display,
            )
            release = add_content(
                project, release, events=False, permission=UploadDistribution
            )
        release.release_date = _first_upload(files)
        requires = [item.get("requires_python") for item in files]
        release.requires_python = next((value for value in requires if value), None)


def _first_upload(files: list) -> datetime | None:
    times = []
    for item in files:
        value = item.get("upload_time_iso_8601") or item.get("upload_time")
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            times.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return min(times, default=None)
