"""A distribution file: one wheel or sdist of a release."""

from collective.psc import _
from collective.psc.content.base import NotCatalogued
from collective.psc.interfaces import IDistributionFile
from collective.psc.permissions import WRITE_PACKAGING_FIELDS_ID
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class IDistributionFileSchema(model.Schema):
    """Fields of a distribution file; set by uploads, read-only for people."""

    filename = schema.ASCIILine(title=_("Filename"), required=True)
    package_type = schema.Choice(
        title=_("Package type"),
        values=("sdist", "bdist_wheel"),
        required=True,
    )
    python_tag = schema.ASCIILine(title=_("Python tag"), required=False)
    requires_python = schema.TextLine(title=_("Requires-Python"), required=False)
    size = schema.Int(title=_("Size in bytes"), required=True, default=0)
    sha256 = schema.ASCIILine(title=_("SHA-256"), required=True)
    blake2_256 = schema.ASCIILine(title=_("BLAKE2b-256"), required=True)
    md5 = schema.ASCIILine(title=_("MD5"), required=False)
    upload_time = schema.Datetime(title=_("Upload time (UTC)"), required=True)
    uploader = schema.TextLine(title=_("Uploaded by"), required=False)
    yanked = schema.Bool(title=_("Yanked"), required=False, default=False)
    yanked_reason = schema.Text(title=_("Reason for yanking"), required=False)
    storage = schema.ASCIILine(
        title=_("Archive storage"),
        description=_("Name of the storage strategy that holds the archive."),
        required=True,
    )

    # Every field comes from the archive or its upload; yanking goes through
    # the release's manage view, which records it in the journal.
    directives.write_permission(
        **dict.fromkeys(
            (
                "filename",
                "package_type",
                "python_tag",
                "requires_python",
                "size",
                "sha256",
                "blake2_256",
                "md5",
                "upload_time",
                "uploader",
                "yanked",
                "yanked_reason",
                "storage",
            ),
            WRITE_PACKAGING_FIELDS_ID,
        )
    )


# plone.supermodel has no type information: mypy-zope cannot see that
# the schema is an interface.
@implementer(IDistributionFile, IDistributionFileSchema)  # type: ignore[misc]
class DistributionFile(NotCatalogued, Item):
    """One archive of a release."""

    # The core metadata file (METADATA or PKG-INFO), byte for byte, its
    # SHA-256 and its parsed fields; None when the archive had none to read.
    core_metadata: bytes | None = None
    core_metadata_sha256: str | None = None
    metadata_fields: dict | None = None
