"""Check an upload as PyPI does, one sentence per failure, in PyPI's order."""

from collective.psc.constants import KNOWN_ONLY
from collective.psc.constants import KNOWN_OR_PRIVATE
from collective.psc.constants import WELL_FORMED
from collective.psc.exceptions import InvalidDistribution
from collective.psc.exceptions import InvalidFilename
from collective.psc.exceptions import InvalidMetadata
from collective.psc.exceptions import InvalidUpload
from collective.psc.names import normalize_name
from collective.psc.names import parse_filename
from collective.psc.names import parse_version
from collective.psc.names import ParsedFilename
from collective.psc.names import SDIST
from collective.psc.names import WHEEL
from collective.psc.upload.form import UploadForm
from packaging.metadata import Metadata
from packaging.metadata import parse_email
from packaging.metadata import RawMetadata
from packaging.utils import canonicalize_name
from trove_classifiers import classifiers as known_classifiers
from trove_classifiers import deprecated_classifiers
from typing import NamedTuple

import packaging.metadata
import re
import readme_renderer.markdown
import readme_renderer.rst
import readme_renderer.txt


SUPPORTED_METADATA_VERSIONS = ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5")
METADATA_HELP = (
    "See https://packaging.python.org/specifications/core-metadata for more "
    "information."
)
HEX_DIGEST = {"sha256": 64, "blake2_256": 64, "md5": 32}
PRIVATE_CLASSIFIER = "Private ::"
MAX_SUMMARY_LENGTH = 512
MAX_URL_LABEL_LENGTH = 32


def check_form(
    form: UploadForm, *, with_file: bool, classifier_policy: str = KNOWN_OR_PRIVATE
) -> Metadata:
    """Check the form of an upload (or of a register) and return its metadata."""
    if form.protocol_version != "1":
        raise InvalidUpload("Unknown protocol version.")
    _check_metadata_version(form.raw.get("metadata_version"))
    _check_name(form.raw.get("name"))
    _check_version(form.raw.get("version"))
    if with_file:
        _check_file_fields(form)
    return check_metadata(form.raw, classifier_policy=classifier_policy)


def check_metadata(
    raw: RawMetadata, *, classifier_policy: str = KNOWN_OR_PRIVATE
) -> Metadata:
    """Validate core metadata with packaging and the index's rules."""
    try:
        metadata = Metadata.from_raw(raw, validate=True)
    except ExceptionGroup as errors:
        first = errors.exceptions[0]
        raise InvalidMetadata(f"{_sentence(str(first))} {METADATA_HELP}") from None
    if metadata.summary and len(metadata.summary) > MAX_SUMMARY_LENGTH:
        raise InvalidMetadata(
            f"The summary is longer than {MAX_SUMMARY_LENGTH} characters; move the "
            "details to the description."
        )
    for label in metadata.project_urls or {}:
        if len(label) > MAX_URL_LABEL_LENGTH:
            raise InvalidMetadata(
                f"The project URL label {label!r} is longer than "
                f"{MAX_URL_LABEL_LENGTH} characters."
            )
    check_classifiers(metadata.classifiers or [], policy=classifier_policy)
    return metadata


def check_classifiers(
    classifiers: list[str], *, policy: str = KNOWN_OR_PRIVATE
) -> None:
    """Refuse the classifiers a policy does not allow, with the reason."""
    for classifier in classifiers:
        if policy == WELL_FORMED:
            _check_well_formed(classifier)
            continue
        if classifier.startswith(PRIVATE_CLASSIFIER):
            if policy == KNOWN_ONLY:
                raise InvalidMetadata(
                    f"Classifier {classifier!r} is private, and this index accepts "
                    "only the trove classifiers of https://pypi.org/classifiers/."
                )
            continue
        if classifier in deprecated_classifiers:
            replacements = deprecated_classifiers[classifier]
            instead = (
                f" Use {', '.join(repr(c) for c in replacements)} instead."
                if replacements
                else ""
            )
            raise InvalidMetadata(f"Classifier {classifier!r} is deprecated.{instead}")
        if classifier not in known_classifiers:
            private = "" if policy == KNOWN_ONLY else " (or start it with 'Private ::')"
            raise InvalidMetadata(
                f"Classifier {classifier!r} is not a valid trove classifier; see "
                f"https://pypi.org/classifiers/{private}."
            )


def _check_well_formed(classifier: str) -> None:
    parts = classifier.split(" :: ")
    well_formed = len(parts) >= 2 and all(
        part and part == part.strip() and "::" not in part and part.isprintable()
        for part in parts
    )
    if not well_formed:
        raise InvalidMetadata(
            f"Classifier {classifier!r} is not well formed: write two or more "
            "non-empty parts separated by ' :: ', such as 'Private :: Internal'."
        )


def render_description(metadata: Metadata) -> str | None:
    """Return the description rendered to HTML, or raise InvalidMetadata."""
    if not metadata.description or not metadata.description.strip():
        return None
    content_type = metadata.description_content_type or ""
    mime, _, parameters = content_type.partition(";")
    mime = mime.strip().lower() or "text/x-rst"
    if mime == "text/plain":
        rendered = readme_renderer.txt.render(metadata.description)
    elif mime == "text/markdown":
        variant = re.search(r"variant\s*=\s*([\w-]+)", parameters)
        rendered = readme_renderer.markdown.render(
            metadata.description, variant=variant.group(1) if variant else "GFM"
        )
    elif mime == "text/x-rst":
        rendered = readme_renderer.rst.render(metadata.description)
    else:
        raise InvalidMetadata(
            f"Unknown description content type {content_type!r}: use text/x-rst, "
            "text/markdown or text/plain."
        )
    if rendered is None:
        if metadata.description_content_type:
            raise InvalidMetadata(
                f"The description failed to render for {content_type!r}; check it "
                "with 'twine check'."
            )
        raise InvalidMetadata(
            "The description failed to render in the default format of "
            "reStructuredText; check it with 'twine check' or set "
            "Description-Content-Type."
        )
    return fit_to_page(rendered)


# The heading tags of rendered HTML, and links without text (the anchors
# cmarkgfm puts into every heading, which screen readers announce as "link").
_HEADING = re.compile(r"<(/?)h([1-5])\b", re.IGNORECASE)
_EMPTY_LINK = re.compile(r"<a\b[^>]*>\s*</a>", re.IGNORECASE)


def fit_to_page(html: str) -> str:
    """Fit a rendered README under the page's own heading.

    The page's ``<h1>`` is the project's name, so the README's headings move
    one level down (``h1`` to ``h2`` ... ``h5`` to ``h6``), and links without
    any text are dropped.
    """
    shifted = _HEADING.sub(lambda match: f"<{match[1]}h{int(match[2]) + 1}", html)
    return _EMPTY_LINK.sub("", shifted)


def check_filename(filename: str, filetype: str, metadata: Metadata) -> ParsedFilename:
    """Check a filename against the file type, the name and the version."""
    parsed = parse_filename(filename)
    if filetype == SDIST and not filename.endswith(".tar.gz"):
        raise InvalidFilename(
            f"Invalid file extension: source distributions must be .tar.gz files "
            f"(PEP 625), not {filename!r}."
        )
    if filetype != parsed.package_type:
        raise InvalidFilename(
            f"Invalid file extension: {filename!r} is not a {filetype} file."
        )
    escaped = canonicalize_name(metadata.name).replace("-", "_")
    expected_version = str(metadata.version)
    if parsed.package_type == SDIST:
        expected = f"{escaped}-{expected_version}.tar.gz"
        if filename != expected:
            raise InvalidFilename(
                f"Filename {filename!r} is invalid, should be {expected!r} (PEP 625)."
            )
        return parsed
    name_part, version_part = filename.split("-")[:2]
    if name_part != escaped:
        raise InvalidFilename(
            f"Filename {filename!r} should contain the normalized project name "
            f"{escaped!r}, not {name_part!r}."
        )
    if parse_version(version_part) != metadata.version:
        raise InvalidFilename(
            f"Version in filename should be {expected_version!r}, not {version_part!r}."
        )
    return parsed


class FileMetadata(NamedTuple):
    """The checked core metadata of an archive: packaging's object and raw fields."""

    metadata: Metadata
    fields: dict


def check_file_metadata(
    data: bytes | None,
    parsed: ParsedFilename,
    *,
    form_name: str,
    form_version: str,
    classifier_policy: str = KNOWN_OR_PRIVATE,
) -> FileMetadata:
    """Check the core metadata inside the archive (parsed once) and return it."""
    where = (
        "a .dist-info/METADATA file"
        if parsed.package_type == WHEEL
        else "a PKG-INFO file in its top-level directory"
    )
    if data is None:
        raise InvalidDistribution(
            f"Invalid distribution file: found no core metadata ({where}) in "
            f"{parsed.filename!r}."
        )
    try:
        raw, unparsed = parse_email(data)
    except ValueError as error:
        raise InvalidDistribution(
            f"Invalid distribution file: its core metadata is invalid: {error}."
        ) from None
    for field in unparsed:
        raise InvalidDistribution(
            "Invalid distribution file: its core metadata is invalid: the field "
            f"{field!r} is unknown or its value cannot be read. {METADATA_HELP}"
        )
    try:
        metadata = Metadata.from_raw(raw, validate=True)
    except ExceptionGroup as errors:
        raise InvalidDistribution(
            "Invalid distribution file: its core metadata is invalid: "
            f"{_sentence(str(errors.exceptions[0]))} {METADATA_HELP}"
        ) from None
    except (ValueError, packaging.metadata.InvalidMetadata) as error:
        raise InvalidDistribution(
            f"Invalid distribution file: its core metadata is invalid: {error}."
        ) from None
    if canonicalize_name(metadata.name) != canonicalize_name(form_name):
        raise InvalidDistribution(
            f"The name in the file's metadata ({metadata.name!r}) does not match "
            f"the name of the upload ({form_name!r})."
        )
    if metadata.version != parse_version(form_version):
        raise InvalidDistribution(
            f"The version in the file's metadata ({str(metadata.version)!r}) does "
            f"not match the version of the upload ({form_version!r})."
        )
    check_classifiers(metadata.classifiers or [], policy=classifier_policy)
    return FileMetadata(metadata=metadata, fields=dict(raw))


def _check_metadata_version(value: str | None) -> None:
    if not value:
        raise InvalidUpload(f"Missing metadata_version. {METADATA_HELP}")
    if value not in SUPPORTED_METADATA_VERSIONS:
        raise InvalidUpload(
            f"{value!r} is an invalid value for Metadata-Version: use one of "
            f"{', '.join(SUPPORTED_METADATA_VERSIONS)}. {METADATA_HELP}"
        )


def _check_name(value: str | None) -> None:
    if not value:
        raise InvalidUpload(f"Missing name. {METADATA_HELP}")
    normalize_name(value)


def _check_version(value: str | None) -> None:
    if not value:
        raise InvalidUpload(f"Missing version. {METADATA_HELP}")
    parse_version(value)


def _check_file_fields(form: UploadForm) -> None:
    if form.filetype not in (SDIST, WHEEL):
        raise InvalidUpload(
            f"Unknown file type {form.filetype!r}: use sdist or bdist_wheel."
        )
    if form.filetype == WHEEL and not form.pyversion:
        raise InvalidUpload(
            "Python version is required for binary distribution uploads."
        )
    if form.filetype == SDIST and form.pyversion not in ("", "source"):
        raise InvalidUpload("Use 'source' as Python version for an sdist.")
    if form.content is None:
        raise InvalidUpload("Upload payload does not have a file.")
    if (form.content_type or "").lower().startswith("image/"):
        raise InvalidUpload("Invalid distribution file: an image is not an archive.")
    if not form.digests:
        raise InvalidUpload(
            "Include at least one message digest (sha256_digest, blake2_256_digest)."
        )
    for name, value in form.digests.items():
        if not re.fullmatch(rf"[0-9a-f]{{{HEX_DIGEST[name]}}}", value):
            raise InvalidUpload(
                f"Invalid {name}_digest {value!r}: expected {HEX_DIGEST[name]} hex "
                "characters."
            )


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else f"{text}."
