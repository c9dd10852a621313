"""Profile version 1003: one latest release everywhere, authors from e-mail names."""

from collective.psc.metadata import people_names
from plone import api
from Products.GenericSetup.tool import SetupTool


def index_projects(setup: SetupTool) -> None:
    """Fill empty authors and maintainers from their e-mail fields; reindex projects."""
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="SoftwareProject"):
        project = brain._unrestrictedGetObject()
        for field in ("author", "maintainer"):
            if not getattr(project, field, ""):
                names = people_names("", getattr(project, f"{field}_email", ""))
                if names:
                    setattr(project, field, names)
        project.reindexObject()
