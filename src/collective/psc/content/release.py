"""A release: one PEP 440 version of a project, with its files."""

from collective.psc import _
from collective.psc.content.base import NotCatalogued
from collective.psc.content.base import UnorderedContainer
from collective.psc.interfaces import IDistributionFile
from collective.psc.interfaces import IRelease
from collective.psc.names import maturity
from collective.psc.names import stored_version
from collective.psc.permissions import WRITE_PACKAGING_FIELDS_ID
from packaging.version import Version
from plone.autoform import directives
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class IReleaseSchema(model.Schema):
    """Fields of a release; the id is derived from the canonical version."""

    version = schema.TextLine(
        title=_("Version"),
        description=_("The PEP 440 version, as first uploaded."),
        required=True,
    )
    changelog = schema.Text(title=_("Changelog"), required=False)
    requires_python = schema.TextLine(title=_("Requires-Python"), required=False)
    compatibility = schema.List(
        title=_("Plone compatibility"),
        value_type=schema.TextLine(),
        required=False,
        default=[],
    )
    release_date = schema.Datetime(
        title=_("Release date"),
        description=_("When the first file of the release was uploaded (UTC)."),
        required=False,
    )

    # Uploads set these; the id and the archives' URLs follow the version.
    directives.write_permission(
        **dict.fromkeys(
            ("version", "requires_python", "compatibility", "release_date"),
            WRITE_PACKAGING_FIELDS_ID,
        )
    )


# plone.supermodel has no type information: mypy-zope cannot see that
# the schema is an interface.
@implementer(IRelease, IReleaseSchema)  # type: ignore[misc]
class Release(NotCatalogued, UnorderedContainer):
    """A release of a project."""

    @property
    def parsed_version(self) -> Version:
        """Return the version as a packaging Version, even a stored invalid one."""
        return stored_version(self.version)

    @property
    def maturity(self) -> str:
        """Return dev, alpha, beta, rc or final, derived from the version."""
        return maturity(self.parsed_version)

    @property
    def yanked(self) -> bool:
        """Tell whether the release has files and all of them are yanked."""
        files = self._stored_files()
        return bool(files) and all(item.yanked for item in files)

    def files(self) -> list:
        """Return the distribution files, sorted by filename."""
        return sorted(self._stored_files(), key=lambda item: item.filename)

    def _stored_files(self) -> list:
        return [obj for obj in self.objectValues() if IDistributionFile.providedBy(obj)]
