"""Build the PEP 691 dict of each simple page; views and exports render it.

These functions only read content; the same dict is rendered as JSON, as
HTML (``templates/``) or, later, written to a static tree.
"""

from collective.psc.names import parse_filename
from collective.psc.tracked import local_names
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.types import Project
from collective.psc.upstream import files
from collective.psc.upstream import proxy
from collective.psc.upstream.behaviors import upstream_settings
from datetime import UTC
from typing import Any


API_VERSION = "1.4"


def file_path(distribution: Distribution) -> str:
    """Return the path of a file below the center, content-addressed as on PyPI."""
    digest = distribution.blake2_256
    return f"packages/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{distribution.filename}"


def file_entry(distribution: Distribution, *, center_url: str) -> dict:
    """Return the PEP 691 entry of one distribution file."""
    metadata_hash = (
        {"sha256": distribution.core_metadata_sha256}
        if distribution.core_metadata_sha256
        else False
    )
    yanked: bool | str = False
    if distribution.yanked:
        yanked = distribution.yanked_reason or True
    upload_time = distribution.upload_time.astimezone(UTC)
    return {
        "filename": distribution.filename,
        "url": f"{center_url}/{file_path(distribution)}",
        "hashes": {"sha256": distribution.sha256},
        "requires-python": distribution.requires_python or None,
        "size": distribution.size,
        "upload-time": upload_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "yanked": yanked,
        "core-metadata": metadata_hash,
        "data-dist-info-metadata": metadata_hash,
    }


def project_page(project: Project, *, center_url: str, serial: int) -> dict:
    """Return the PEP 691 dict of a project's simple page."""
    releases = project.releases()
    files = [
        file_entry(item, center_url=center_url)
        for release in reversed(releases)
        for item in release.files()
    ]
    return {
        "meta": {"api-version": API_VERSION, "_last-serial": serial},
        "name": project.getId(),
        "versions": [
            release.version for release in reversed(releases) if release.files()
        ],
        "files": files,
        "project-status": {"status": "active"},
    }


def root_page(center: Center) -> dict:
    """Return the PEP 691 dict of the list of projects.

    Built from the center's id index and the journal, without loading a
    single project: with thousands of projects this is what keeps a new
    serial's root page cheap. Entries carry no URL (as on PyPI): the HTML
    links to ``<name>/`` relative to the page, which also holds wherever the
    page is served from.
    """
    serials = center.journal.project_serials()
    projects = [
        {"name": name, "_last-serial": serials.get(name, 0)}
        for name in local_names(center)
    ]
    return {
        "meta": {
            "api-version": API_VERSION,
            "_last-serial": center.journal.last_serial,
        },
        "projects": projects,
    }


def merged_page_state(
    *, center: Any, name: str, project: Any
) -> proxy.UpstreamState | None:
    """Return the state of a project's upstream files; None if no upstream is asked."""
    settings = upstream_settings(center)
    if not proxy.may_fetch(center, name, local=project is not None, settings=settings):
        return None
    return proxy.upstream_state(center, name, settings)


def merged_page_key(
    *, center: Any, name: str, project: Any, center_url: str, state: Any
) -> tuple:
    """Return what a project's merged page is made from, as a cache key.

    The local project's serial and the state of its upstream files: a page
    kept under this key is the page ``merged_project_page`` builds from them.
    """
    serial = None if project is None else project.last_serial()
    return ("merged", center.journal.uid, name, center_url, serial, state.key)


def merged_project_page(
    *, center: Any, name: str, project: Any, center_url: str, state: Any = None
) -> dict | None:
    """Return a project's PEP 691 page with upstream files, or None if it has none."""
    settings = upstream_settings(center)
    if not proxy.may_fetch(center, name, local=project is not None, settings=settings):
        return None
    upstream = proxy.served_files(
        center, name, settings, center_url=center_url, state=state
    )
    page: dict[str, Any]
    if project is None:
        if not upstream:
            return None
        page = {
            "meta": {"api-version": API_VERSION},
            "name": name,
            "versions": [],
            "files": [],
            "project-status": {"status": "active"},
        }
    else:
        page = project_page(
            project, center_url=center_url, serial=project.last_serial()
        )
    local = {entry["filename"] for entry in page["files"]}
    page["files"] = page["files"] + [
        entry for entry in upstream if entry["filename"] not in local
    ]
    page["versions"] = _versions(page)
    return page


def _versions(page: dict) -> list[str]:
    versions = list(page["versions"])
    for entry in page["files"]:
        version = str(parse_filename(entry["filename"]).version)
        if version not in versions:
            versions.append(version)
    return versions


def merged_root_page(center: Any, page: dict) -> dict:
    """Return the project list with the upstream projects the center has files of."""
    settings = upstream_settings(center)
    local = {project["name"] for project in page["projects"]}
    names = sorted(
        name
        for name in files.fetched_projects(center) - local
        if proxy.may_fetch(center, name, local=False, settings=settings)
    )
    if not names:
        return page
    projects = page["projects"] + [{"name": name, "_last-serial": 0} for name in names]
    return {**page, "projects": projects}
