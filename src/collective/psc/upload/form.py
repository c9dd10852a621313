"""Read the multipart form of the legacy upload API into typed values.

Field names are core metadata names, lower-cased with ``-`` as ``_``;
fields that may occur several times repeat their key. twine and uv differ in
details (uv sends ``requires_python`` even when empty and plural
``import_names``); both are accepted.
"""

from collections.abc import Mapping
from collective.psc.exceptions import InvalidUpload
from dataclasses import dataclass
from dataclasses import field
from packaging.metadata import RawMetadata
from typing import Any
from typing import BinaryIO
from typing import cast


# Form field -> RawMetadata key, for fields holding one value.
SINGLE_FIELDS = {
    "metadata_version": "metadata_version",
    "name": "name",
    "version": "version",
    "summary": "summary",
    "description": "description",
    "description_content_type": "description_content_type",
    "home_page": "home_page",
    "download_url": "download_url",
    "author": "author",
    "author_email": "author_email",
    "maintainer": "maintainer",
    "maintainer_email": "maintainer_email",
    "license": "license",
    "license_expression": "license_expression",
    "requires_python": "requires_python",
}

# Form field -> RawMetadata key, for fields that repeat.
MULTIPLE_FIELDS = {
    "classifiers": "classifiers",
    "platform": "platforms",
    "supported_platform": "supported_platforms",
    "requires": "requires",
    "provides": "provides",
    "obsoletes": "obsoletes",
    "requires_dist": "requires_dist",
    "provides_dist": "provides_dist",
    "obsoletes_dist": "obsoletes_dist",
    "requires_external": "requires_external",
    "provides_extra": "provides_extra",
    "dynamic": "dynamic",
    "license_file": "license_files",
    "import_name": "import_names",
    "import_names": "import_names",
    "import_namespace": "import_namespaces",
    "import_namespaces": "import_namespaces",
}

DIGEST_FIELDS = {
    "sha256_digest": "sha256",
    "blake2_256_digest": "blake2_256",
    "md5_digest": "md5",
}


@dataclass
class UploadForm:
    """What a legacy upload (or register) request sent."""

    protocol_version: str
    filetype: str
    pyversion: str
    comment: str
    raw: RawMetadata
    digests: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    content: BinaryIO | None = None
    content_type: str | None = None


def parse_form(form: Mapping[str, Any]) -> UploadForm:
    """Return the upload form of a request's form mapping."""
    _refuse_files_where_text_belongs(form)
    fields: dict[str, Any] = {}
    for name, key in SINGLE_FIELDS.items():
        value = _single(form, name)
        if value:
            fields[key] = value
    for name, key in MULTIPLE_FIELDS.items():
        values = [value for value in _multiple(form, name) if value]
        if values:
            fields.setdefault(key, []).extend(values)
    raw = cast(RawMetadata, fields)
    keywords = _single(form, "keywords")
    if keywords:
        raw["keywords"] = [word.strip() for word in keywords.split(",") if word.strip()]
    urls = _project_urls(_multiple(form, "project_urls"))
    if urls:
        raw["project_urls"] = urls
    content = form.get("content")
    upload = UploadForm(
        protocol_version=_single(form, "protocol_version") or "1",
        filetype=_single(form, "filetype"),
        pyversion=_single(form, "pyversion"),
        comment=_single(form, "comment"),
        raw=raw,
        digests={
            key: _single(form, name).strip().lower()
            for name, key in DIGEST_FIELDS.items()
            if _single(form, name).strip()
        },
    )
    if content is not None and hasattr(content, "read"):
        upload.filename = getattr(content, "filename", None)
        upload.content = content
        headers = getattr(content, "headers", None) or {}
        upload.content_type = headers.get("content-type")
    elif content:
        raise InvalidUpload("Invalid distribution file: 'content' must be a file part.")
    return upload


def _refuse_files_where_text_belongs(form: Mapping[str, Any]) -> None:
    for name, value in form.items():
        if name in ("content", "gpg_signature", "attestations"):
            continue
        values = value if isinstance(value, list) else [value]
        if any(hasattr(item, "read") for item in values):
            raise InvalidUpload(f"{name}: should be a text field, not a file.")


def _single(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if not isinstance(value, str):
        return ""
    value = value.replace("\x00", "")
    return "" if value.strip() == "UNKNOWN" else value


def _multiple(form: Mapping[str, Any], name: str) -> list[str]:
    value = form.get(name, [])
    values = value if isinstance(value, list | tuple) else [value]
    return [
        item.replace("\x00", "")
        for item in values
        if isinstance(item, str) and item.strip() != "UNKNOWN"
    ]


def _project_urls(values: list[str]) -> dict[str, str]:
    urls = {}
    for value in values:
        label, separator, url = value.partition(",")
        if not separator or not label.strip() or not url.strip():
            raise InvalidUpload(
                f"Invalid project URL {value!r}: use the form 'Label, https://...'."
            )
        urls[label.strip()] = url.strip()
    return urls
