"""Serialise projects, releases and files with their packaging fields.

Releases and files are not catalogued, so the folder serialiser's catalog
query would list no children; the children are listed from the content.
"""

from collective.psc.interfaces import IDistributionFile
from collective.psc.interfaces import IProject
from collective.psc.interfaces import IRelease
from collective.psc.restapi import data
from collective.psc.services import base
from plone.restapi.bbb import boolean_value
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.interfaces import ISerializeToJsonSummary
from plone.restapi.serializer.dxcontent import SerializeFolderToJson
from plone.restapi.serializer.dxcontent import SerializeToJson
from zope.component import adapter
from zope.component import getMultiAdapter
from zope.interface import implementer
from zope.interface import Interface


class ChildrenFromContent(SerializeFolderToJson):
    """A folder serialiser that lists its children without the catalog.

    Subclasses define ``children()`` and ``packaging_fields(center)``.
    """

    def __call__(
        self, version=None, include_items: bool = True, include_expansion: bool = True
    ) -> dict:
        """Return the content's fields, packaging fields and children."""
        result = super().__call__(
            version=version,
            include_items=False,
            include_expansion=include_expansion,
        )
        result.update(self.packaging_fields(base.get_center(self.context)))
        if not boolean_value(self.request.form.get("include_items", include_items)):
            return result
        children = self.children()
        result["items_total"] = len(children)
        result["items"] = [
            getMultiAdapter((child, self.request), ISerializeToJsonSummary)()
            for child in children
        ]
        return result


@implementer(ISerializeToJson)
@adapter(IProject, Interface)
class SerializeProjectToJson(ChildrenFromContent):
    """A project, with its name, latest version, URLs and releases."""

    def children(self) -> list:
        """Return the releases, newest version first."""
        return self.context.releases()

    def packaging_fields(self, center) -> dict:
        """Return the project's packaging fields."""
        return data.project_fields(self.context, center_url=center.absolute_url())


@implementer(ISerializeToJson)
@adapter(IRelease, Interface)
class SerializeReleaseToJson(ChildrenFromContent):
    """A release, with its maturity, yank state and files."""

    def children(self) -> list:
        """Return the files, by filename."""
        return self.context.files()

    def packaging_fields(self, center) -> dict:
        """Return the release's packaging fields, without its own URL."""
        fields = data.release_fields(self.context, center_url=center.absolute_url())
        del fields["@id"]
        return fields


@implementer(ISerializeToJson)
@adapter(IDistributionFile, Interface)
class SerializeDistributionToJson(SerializeToJson):
    """A distribution file, with the URL of its archive in the index."""

    def __call__(self, version=None, include_items: bool = True, **kwargs) -> dict:
        """Return the file's fields and its download URLs."""
        result = super().__call__(version=version, **kwargs)
        center = base.get_center(self.context)
        result.update(data.file_fields(self.context, center_url=center.absolute_url()))
        return result
