"""Names, versions and filenames of distributions, as thin wrappers over packaging."""

from collective.psc.exceptions import InvalidFilename
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import InvalidVersion
from dataclasses import dataclass
from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.utils import canonicalize_version
from packaging.utils import parse_sdist_filename
from packaging.utils import parse_wheel_filename
from packaging.version import Version

import packaging.utils
import packaging.version
import re
import unicodedata


SDIST = "sdist"
WHEEL = "bdist_wheel"

DEV = "dev"
ALPHA = "alpha"
BETA = "beta"
CANDIDATE = "rc"
FINAL = "final"
MATURITIES = (DEV, ALPHA, BETA, CANDIDATE, FINAL)

SDIST_SUFFIXES = (".tar.gz", ".zip")
WHEEL_SUFFIX = ".whl"
MAX_FILENAME_LENGTH = 255

_PRE_MATURITY = {"a": ALPHA, "b": BETA, "rc": CANDIDATE}
# Characters that a PEP 440 version or a wheel filename may hold but that Zope
# refuses in an object id; canonical versions never contain "_" or "~".
# What a reserved-name pattern (``acme-*``) may hold: name characters, wildcards.
_NAME_PATTERN = re.compile(r"[a-z0-9*?.\-_\[\]!]+")
_ID_ESCAPES = str.maketrans({"+": "_", "!": "~"})


@dataclass(frozen=True)
class ParsedFilename:
    """What a distribution filename says about its file."""

    filename: str
    name: str
    version: Version
    package_type: str
    python_tag: str
    build_tag: tuple[int, str] | tuple[()]
    tags: frozenset[Tag]


def normalize_name(name: str) -> str:
    """Return the PEP 503 normalized form of a valid project name."""
    try:
        return canonicalize_name(name.strip(), validate=True)
    except packaging.utils.InvalidName:
        raise InvalidName(
            f"{name!r} is not a valid project name: use letters, digits, '.', '-' "
            "and '_', starting and ending with a letter or digit."
        ) from None


def parse_version(version: str | Version) -> Version:
    """Return the PEP 440 version of a string, or raise InvalidVersion."""
    if isinstance(version, Version):
        return version
    try:
        return Version(version.strip())
    except packaging.version.InvalidVersion:
        raise InvalidVersion(
            f"{version!r} is not a valid PEP 440 version, such as 1.0, 2.1b3 or "
            "1.0.post1."
        ) from None


def canonical_version(version: str | Version) -> str:
    """Return the canonical form of a version, equal for 1.0 and 1.0.0."""
    return canonicalize_version(parse_version(version))


def release_id(version: str | Version) -> str:
    """Return the content id of the release of a version."""
    return canonical_version(version).translate(_ID_ESCAPES)


def maturity(version: str | Version) -> str:
    """Return the maturity a version stands for: dev, alpha, beta, rc or final."""
    parsed = parse_version(version)
    if parsed.is_devrelease:
        return DEV
    if parsed.pre is not None:
        return _PRE_MATURITY[parsed.pre[0]]
    return FINAL


def check_filename_is_safe(filename: str) -> None:
    """Refuse a filename that could be a path or hide control characters."""
    if not filename or len(filename) > MAX_FILENAME_LENGTH:
        raise InvalidFilename(
            f"Invalid filename {filename!r}: it must have 1 to "
            f"{MAX_FILENAME_LENGTH} characters."
        )
    if "/" in filename or "\\" in filename or filename.startswith("."):
        raise InvalidFilename(
            f"Invalid filename {filename!r}: a filename must not contain a path."
        )
    if any(unicodedata.category(char)[0] in "CZ" and char != " " for char in filename):
        raise InvalidFilename(
            f"Invalid filename {filename!r}: it contains control or invisible "
            "characters."
        )
    if not filename.isascii() or " " in filename:
        raise InvalidFilename(
            f"Invalid filename {filename!r}: distribution filenames are ASCII "
            "without spaces."
        )


def parse_filename(filename: str) -> ParsedFilename:
    """Parse a wheel or sdist filename, or raise InvalidFilename."""
    check_filename_is_safe(filename)
    if filename.endswith(WHEEL_SUFFIX):
        return _parse_wheel(filename)
    if filename.endswith(SDIST_SUFFIXES):
        return _parse_sdist(filename)
    raise InvalidFilename(
        f"Invalid distribution file {filename!r}: only wheels (.whl) and source "
        "distributions (.tar.gz, .zip) are accepted."
    )


def _parse_wheel(filename: str) -> ParsedFilename:
    try:
        name, version, build, tags = parse_wheel_filename(filename)
    except (packaging.utils.InvalidWheelFilename, packaging.version.InvalidVersion):
        raise InvalidFilename(
            f"Invalid wheel filename {filename!r}: see the binary distribution "
            "format specification (name-version(-build)?-python-abi-platform.whl)."
        ) from None
    python_tag = filename[: -len(WHEEL_SUFFIX)].split("-")[-3]
    return ParsedFilename(
        filename=filename,
        name=name,
        version=version,
        package_type=WHEEL,
        python_tag=python_tag,
        build_tag=build,
        tags=tags,
    )


def _parse_sdist(filename: str) -> ParsedFilename:
    try:
        name, version = parse_sdist_filename(filename)
    except (packaging.utils.InvalidSdistFilename, packaging.version.InvalidVersion):
        raise InvalidFilename(
            f"Invalid source distribution filename {filename!r}: expected "
            "name-version.tar.gz."
        ) from None
    try:
        normalized = canonicalize_name(name, validate=True)
    except packaging.utils.InvalidName:
        raise InvalidFilename(
            f"Invalid source distribution filename {filename!r}: {name!r} is not a "
            "valid project name."
        ) from None
    return ParsedFilename(
        filename=filename,
        name=normalized,
        version=version,
        package_type=SDIST,
        python_tag="source",
        build_tag=(),
        tags=frozenset(),
    )


def file_id(filename: str) -> str:
    """Return the content id of a distribution file."""
    return filename.translate(_ID_ESCAPES)


# What a stored version that PEP 440 does not accept (from an old site, an
# import or code that bypassed uploads) stands for on pages and feeds: it
# sorts before every release and counts as a development release.
UNPARSABLE_VERSION = Version("0.dev0")


def stored_version(version: str | Version) -> Version:
    """Return the PEP 440 version of a stored string, or UNPARSABLE_VERSION."""
    try:
        return parse_version(version)
    except (InvalidVersion, AttributeError):
        return UNPARSABLE_VERSION


def version_sort_key(version: str) -> Version:
    """Return the key that sorts stored versions in PEP 440 order."""
    return stored_version(version)


def valid_name_pattern(pattern: str) -> bool:
    """Tell whether a reserved-name pattern uses only name characters and wildcards."""
    return bool(_NAME_PATTERN.fullmatch(pattern.strip().lower()))
