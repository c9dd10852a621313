"""Turn a center's content into the files of its static tree.

The tree has the center's own URL space, so that the same relative links
work: ``simple/index.*`` and ``simple/<name>/index.*`` (one file per
representation: ``index.html``, ``index.v1_html``, ``index.v1_json``),
``packages/<aa>/<bb>/<rest of blake2b-256>/<filename>`` and beside each
archive its ``.metadata``. Pages are built by ``simple/data.py`` and rendered
by ``simple/render.py``, as the live views are; only their links are
relative, so a tree works under any host and path.
"""

from collections.abc import Iterator
from collective.psc.simple import data
from collective.psc.simple import render
from collective.psc.tracked import is_tracked
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.types import Project
from typing import NamedTuple

import json


SIMPLE = "simple"
# The representations of a page, by file name: the Content-Type each is
# served with is the one choose_content_type answers for it.
HTML_FILE = "index.html"
HTML_V1_FILE = "index.v1_html"
JSON_FILE = "index.v1_json"
PAGE_FILES = (HTML_FILE, HTML_V1_FILE, JSON_FILE)
# Links are relative to the page: a project page is at simple/<name>/, two
# levels below the center (the list links to "<name>/" anyway).
PROJECT_BASE = "../.."
METADATA_SUFFIX = ".metadata"


class Archive(NamedTuple):
    """A file of the tree that holds an archive or its core metadata."""

    path: str
    distribution: Distribution
    metadata: bool


def page_dir(name: str | None = None) -> str:
    """Return the tree directory of a project's page, or of the root page."""
    return SIMPLE if name is None else f"{SIMPLE}/{name}"


def page_files(directory: str, html: str | None, text: str) -> dict[str, bytes]:
    """Return the files of one page: its HTML twice (two types) and its JSON."""
    files = {f"{directory}/{JSON_FILE}": text.encode("utf-8")}
    if html is not None:
        body = html.encode("utf-8")
        files[f"{directory}/{HTML_FILE}"] = body
        files[f"{directory}/{HTML_V1_FILE}"] = body
    return files


def project_page(project: Project, *, serial: int) -> dict:
    """Return the PEP 691 dict of a project page with links relative to it."""
    return data.project_page(project, center_url=PROJECT_BASE, serial=serial)


def project_files(project: Project, *, serial: int) -> dict[str, bytes]:
    """Return the page files of a project."""
    page = project_page(project, serial=serial)
    return page_files(
        page_dir(project.getId()), render.project_html(page), render.page_json(page)
    )


def root_files(page: dict, *, html: bool = True) -> dict[str, bytes]:
    """Return the page files of the project list, or only its JSON."""
    return page_files(
        page_dir(), render.root_html(page) if html else None, render.page_json(page)
    )


def archives(project: Project) -> Iterator[Archive]:
    """Yield the archive files of a project and their .metadata files."""
    for release in project.releases():
        for distribution in release.files():
            path = data.file_path(distribution)
            yield Archive(path, distribution, False)
            if distribution.core_metadata_sha256:
                yield Archive(path + METADATA_SUFFIX, distribution, True)


def linked_paths(page_json: bytes | None) -> set[str]:
    """Return the tree paths of the archives and .metadata files a page links."""
    if not page_json:
        return set()
    paths = set()
    for entry in json.loads(page_json)["files"]:
        path = entry["url"].removeprefix(f"{PROJECT_BASE}/")
        paths.add(path)
        if entry.get("core-metadata"):
            paths.add(path + METADATA_SUFFIX)
    return paths


def expected_pages(
    center: Center,
) -> Iterator[tuple[str | None, dict[str, bytes]]]:
    """Yield each project's name and page files, then the root's (name None)."""
    journal = center.journal
    for name, project in center.objectItems():
        if is_tracked(project):
            continue
        yield name, project_files(project, serial=journal.project_serial(name))
    yield None, root_files(data.root_page(center))
