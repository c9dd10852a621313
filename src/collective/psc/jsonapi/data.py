"""Build the PyPI JSON API dict of a project or of one of its releases.

These functions only read content. The shape is PyPI's, so that bandersnatch,
dependabot and scripts written against PyPI read a center unchanged; the
view renders the dict as JSON.
"""

from collective.psc.names import parse_filename
from collective.psc.simple.data import file_path
from collective.psc.types import Distribution
from collective.psc.types import Project
from collective.psc.types import Release
from collective.psc.upstream.files import provenance
from datetime import UTC


# PyPI keeps these deprecated keys with constant values; clients still read them.
NO_DOWNLOADS = {"last_day": -1, "last_week": -1, "last_month": -1}


def file_dict(distribution: Distribution, *, center_url: str) -> dict:
    """Return the JSON API dict of one distribution file."""
    upload_time = distribution.upload_time.astimezone(UTC)
    metadata_hash = (
        {"sha256": distribution.core_metadata_sha256}
        if distribution.core_metadata_sha256
        else False
    )
    return {
        "filename": distribution.filename,
        "url": f"{center_url}/{file_path(distribution)}",
        "packagetype": distribution.package_type,
        "python_version": distribution.python_tag or "source",
        "requires_python": distribution.requires_python or None,
        "size": distribution.size,
        "digests": {
            "md5": distribution.md5,
            "sha256": distribution.sha256,
            "blake2b_256": distribution.blake2_256,
        },
        "md5_digest": distribution.md5,
        "upload_time": upload_time.strftime("%Y-%m-%dT%H:%M:%S"),
        "upload_time_iso_8601": upload_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "yanked": bool(distribution.yanked),
        "yanked_reason": yanked_reason(distribution),
        "core-metadata": metadata_hash,
        "comment_text": "",
        "has_sig": False,
        "downloads": -1,
        "provenance": provenance(distribution),
    }


def release_data(
    project: Project,
    release: Release,
    *,
    center_url: str,
    serial: int,
    all_releases: bool,
) -> dict:
    """Return the JSON API dict of a release, with every release's files if asked."""
    data = {
        "info": info(project, release, center_url=center_url),
        "last_serial": serial,
        "urls": [file_dict(item, center_url=center_url) for item in release.files()],
        "vulnerabilities": [],
    }
    if all_releases:
        data["releases"] = {
            item.version: [
                file_dict(distribution, center_url=center_url)
                for distribution in item.files()
            ]
            for item in reversed(project.releases())
        }
    return data


def info(project: Project, release: Release, *, center_url: str) -> dict:
    """Return the ``info`` dict of a release, from its newest file's core metadata."""
    fields = core_metadata_fields(release)
    project_url = f"{center_url}/{project.getId()}"
    reasons = [yanked_reason(item) for item in release.files()]
    return {
        "name": project.display_name,
        "version": release.version,
        "summary": fields.get("summary") or release.description or None,
        "description": fields.get("description") or "",
        "description_content_type": fields.get("description_content_type"),
        "keywords": ",".join(fields.get("keywords") or []) or None,
        "license": fields.get("license"),
        "license_expression": fields.get("license_expression"),
        "license_files": fields.get("license_files"),
        "classifiers": list(fields.get("classifiers") or []),
        "author": fields.get("author"),
        "author_email": fields.get("author_email"),
        "maintainer": fields.get("maintainer"),
        "maintainer_email": fields.get("maintainer_email"),
        "requires_python": fields.get("requires_python")
        or release.requires_python
        or None,
        "platform": ",".join(fields.get("platforms") or []) or None,
        "home_page": fields.get("home_page"),
        "download_url": fields.get("download_url"),
        "project_urls": project_urls(fields) or None,
        "requires_dist": list(fields.get("requires_dist") or []) or None,
        "provides_extra": list(fields.get("provides_extra") or []) or None,
        "dynamic": list(fields.get("dynamic") or []) or None,
        "package_url": project_url,
        "project_url": project_url,
        "release_url": f"{project_url}/{release.getId()}",
        "docs_url": None,
        "bugtrack_url": None,
        "downloads": dict(NO_DOWNLOADS),
        "yanked": release.yanked,
        "yanked_reason": next(filter(None, reasons), None) if release.yanked else None,
    }


def yanked_reason(distribution: Distribution) -> str | None:
    """Return why a file was yanked, or None when it is not or no reason was given."""
    return (distribution.yanked_reason or None) if distribution.yanked else None


def core_metadata_fields(release: Release) -> dict:
    """Return the parsed core metadata of a release's newest file, or {}."""
    files = [item for item in release.files() if item.metadata_fields]
    if not files:
        return {}
    newest = max(files, key=lambda item: item.upload_time)
    return dict(newest.metadata_fields)


def project_urls(fields: dict) -> dict[str, str]:
    """Return the labelled URLs of core metadata, Homepage and Download first."""
    urls = {}
    if fields.get("home_page"):
        urls["Homepage"] = fields["home_page"]
    if fields.get("download_url"):
        urls["Download"] = fields["download_url"]
    urls.update(fields.get("project_urls") or {})
    return urls


def page_file_dict(entry: dict) -> dict:
    """Return the JSON API dict of a file from its simple page (PEP 691) entry."""
    filename = entry["filename"]
    wheel = filename.endswith(".whl")
    yanked = entry["yanked"]
    upload_time = entry.get("upload-time")
    return {
        "filename": filename,
        "url": entry["url"],
        "packagetype": "bdist_wheel" if wheel else "sdist",
        "python_version": filename.split("-")[-3] if wheel else "source",
        "requires_python": entry["requires-python"],
        "size": entry.get("size"),
        "digests": dict(entry["hashes"]),
        "upload_time": upload_time[:19] if upload_time else None,
        "upload_time_iso_8601": upload_time,
        "yanked": bool(yanked),
        "yanked_reason": yanked if isinstance(yanked, str) and yanked else None,
        "core-metadata": entry["core-metadata"],
    }


def page_release_data(page: dict, *, version: str, all_releases: bool) -> dict:
    """Return the JSON API dict of a release known only from its simple page."""
    releases: dict[str, list[dict]] = {}
    for entry in page["files"]:
        releases.setdefault(str(parse_filename(entry["filename"]).version), []).append(
            page_file_dict(entry)
        )
    urls = releases.get(version, [])
    data = {
        "info": {
            "name": page["name"],
            "version": version,
            "requires_python": next(
                (item["requires_python"] for item in urls if item["requires_python"]),
                None,
            ),
            "yanked": bool(urls) and all(item["yanked"] for item in urls),
        },
        "urls": urls,
        "vulnerabilities": [],
    }
    if all_releases:
        data["releases"] = releases
    return data
