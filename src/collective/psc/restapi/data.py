"""Build the packaging data plone.restapi adds to projects, releases and files.

Pure functions over the content, like ``jsonapi/data.py``, whose file dicts
they reuse: a Volto page shows the same files PyPI's JSON API lists.
"""

from collective.psc.jsonapi.data import file_dict
from collective.psc.jsonapi.data import yanked_reason
from collective.psc.services.releases import latest_release
from collective.psc.simple.data import file_path
from collective.psc.types import Distribution
from collective.psc.types import Project
from collective.psc.types import Release
from collective.psc.upstream.files import provenance
from datetime import UTC


def project_links(project: Project, *, center_url: str) -> dict:
    """Return the URLs installers, mirrors and feed readers use for a project."""
    name = project.getId()
    project_url = f"{center_url}/{name}"
    return {
        "index": f"{center_url}/simple/",
        "simple": f"{center_url}/simple/{name}/",
        "json": f"{center_url}/pypi/{name}/json",
        "atom": f"{project_url}/@@releases.atom",
        "rss": f"{project_url}/@@releases.rss",
    }


def project_fields(project: Project, *, center_url: str) -> dict:
    """Return a project's packaging fields, beside its schema fields."""
    latest = latest_release(project=project)
    return {
        "normalized_name": project.getId(),
        "display_name": project.display_name,
        "latest_version": latest.version if latest and latest.files() else None,
        "urls": [
            {"label": label, "url": url} for label, url in project.project_url_pairs()
        ],
        "last_serial": project.last_serial(),
        "links": project_links(project, center_url=center_url),
    }


def release_fields(release: Release, *, center_url: str) -> dict:
    """Return a release's packaging fields, with its files."""
    files = release.files()
    reasons = [yanked_reason(item) for item in files]
    release_date = release.release_date
    return {
        "@id": release.absolute_url(),
        "version": release.version,
        "maturity": release.maturity,
        "requires_python": release.requires_python or None,
        "compatibility": list(release.compatibility or []),
        "release_date": release_date.astimezone(UTC).isoformat()
        if release_date
        else None,
        "yanked": release.yanked,
        "yanked_reason": next(filter(None, reasons), None) if release.yanked else None,
        "files": [file_dict(item, center_url=center_url) for item in files],
    }


def file_fields(distribution: Distribution, *, center_url: str) -> dict:
    """Return the URLs of a file's archive and core metadata in the index."""
    url = f"{center_url}/{file_path(distribution)}"
    return {
        "url": url,
        "core_metadata_url": f"{url}.metadata" if distribution.core_metadata else None,
        "provenance": provenance(distribution),
    }


def project_page(project: Project, *, center_url: str) -> dict:
    """Return what a project's page shows: fields, releases with files, links."""
    return {
        "project": {
            "@id": project.absolute_url(),
            "title": project.Title(),
            "summary": project.description or "",
            "description_html": project.long_description_html or "",
            "classifiers": list(project.classifiers or []),
            "compatibility": list(project.compatibility or []),
            "keywords": list(project.keywords or []),
            "license": project.license or None,
            "license_expression": project.license_expression or None,
            "author": project.author or None,
            "author_email": project.author_email or None,
            "maintainer": project.maintainer or None,
            "maintainer_email": project.maintainer_email or None,
            **project_fields(project, center_url=center_url),
        },
        "releases": [
            release_fields(release, center_url=center_url)
            for release in project.releases()
        ],
    }
