"""Fixtures of the page tests: projects published through the service layer."""

from collective.psc.services import archives
from collective.psc.services import releases
from collective.psc.upload.validation import render_description
from packaging.metadata import Metadata
from pathlib import Path
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel


PLONE_ADDON = [
    "Framework :: Plone",
    "Framework :: Plone :: 6.1",
    "Framework :: Plone :: Addon",
    "Development Status :: 5 - Production/Stable",
]


EASYFORM = {
    "summary": "More fields for easyform forms.",
    "classifiers": PLONE_ADDON,
    "requires_python": ">=3.10",
    "metadata_extra": {
        "Project-URL": [
            "Source, https://github.com/collective/easyform-extra",
            "Changelog, https://github.com/collective/easyform-extra/CHANGES.rst",
            "Tracker, javascript:alert(1)",
        ],
        "License-Expression": "GPL-2.0-only",
        "Keywords": "plone,forms",
        "Author": "Alice Example",
    },
    "description": (
        "# collective.easyform.extra\n\n"
        "Adds **date ranges**, *ratings* and file lists to easyform.\n\n"
        "<script>alert('x')</script>\n\n"
        "## Installation\n\n"
        "Add `collective.easyform.extra` to your requirements.\n"
    ),
}


def publish(center, path: Path):
    """Upload an archive as twine would: the file, then its metadata."""
    with open(path, "rb") as stream:
        distribution = archives.add_archive(
            center=center, filename=path.name, stream=stream
        )
    metadata = Metadata.from_email(distribution.core_metadata, validate=False)
    release = distribution.aq_parent
    releases.apply_release_metadata(
        release=release,
        metadata=metadata,
        description_html=render_description(metadata),
    )
    return distribution


def publish_examples(center, directory: Path) -> None:
    """Publish a small, varied center: add-ons, a theme, a library, a beta."""
    published = [
        build_wheel(directory, "collective.easyform.extra", "2.0.0", **EASYFORM),
        build_wheel(directory, "collective.easyform.extra", "2.1.0", **EASYFORM),
        build_sdist(directory, "collective.easyform.extra", "2.1.0", **EASYFORM),
        build_wheel(
            directory,
            "plonetheme.tidy",
            "1.0b2",
            summary="A tidy theme for Plone 6.",
            classifiers=[
                "Framework :: Plone :: 6.0",
                "Framework :: Plone :: Theme",
                "Development Status :: 4 - Beta",
            ],
        ),
        build_wheel(
            directory,
            "tinyhttp",
            "0.3",
            summary="A tiny HTTP helper library.",
            classifiers=["Topic :: Internet :: WWW/HTTP"],
        ),
        build_wheel(
            directory,
            "tinyhttp",
            "0.4",
            summary="A tiny HTTP helper library.",
            classifiers=["Topic :: Internet :: WWW/HTTP"],
        ),
    ]
    for path in published:
        publish(center, path)
