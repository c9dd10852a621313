"""Build the data of the flat find-links pages; the view renders it.

A find-links page is one HTML page of plain links to archives, the format
that buildout's ``find-links`` and ``pip --find-links`` read. Yanked files
are left out: buildout ignores PEP 592, so a link is an offer to install.

The links are relative to the page. A client that read the page with
credentials in its URL (``https://user:secret@host/...``) keeps them for the
archives only when the links are relative: buildout then downloads from a
private center without a ``.pypirc``.
"""

from collective.psc.simple.data import file_path
from collective.psc.tracked import is_tracked
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.types import Project


# How to get from each page back to the center: from links/ and links/<name>/.
CENTER_PAGE_PREFIX = "../"
PROJECT_PAGE_PREFIX = "../../"


def link(distribution: Distribution, *, prefix: str) -> dict:
    """Return the link to one archive, relative to a page, with its sha256."""
    return {
        "filename": distribution.filename,
        "url": f"{prefix}{file_path(distribution)}#sha256={distribution.sha256}",
        "requires-python": distribution.requires_python or None,
    }


def project_links(project: Project, *, prefix: str) -> list[dict]:
    """Return the links to a project's files that are not yanked, oldest first."""
    return [
        link(item, prefix=prefix)
        for release in reversed(project.releases())
        for item in release.files()
        if not item.yanked
    ]


def center_page(center: Center) -> dict:
    """Return the data of the page that links every installable file of a center."""
    projects = sorted(
        (project for project in center.objectValues() if not is_tracked(project)),
        key=lambda project: project.getId(),
    )
    return {
        "title": f"Links for {center.Title()}",
        "files": [
            entry
            for project in projects
            for entry in project_links(project, prefix=CENTER_PAGE_PREFIX)
        ],
    }


def project_page(project: Project) -> dict:
    """Return the data of the page that links the installable files of a project."""
    return {
        "title": f"Links for {project.display_name}",
        "files": project_links(project, prefix=PROJECT_PAGE_PREFIX),
    }


def simple_page_links(page: dict, *, center_url: str, prefix: str) -> dict:
    """Return the data of a find-links page from a simple page's PEP 691 dict."""
    base = f"{center_url}/"
    return {
        "title": f"Links for {page['name']}",
        "files": [
            {
                "filename": entry["filename"],
                "url": f"{prefix}{entry['url'].removeprefix(base)}"
                f"#sha256={entry['hashes']['sha256']}",
                "requires-python": entry["requires-python"],
            }
            for entry in page["files"]
            if not entry["yanked"]
        ],
    }
