"""Profile version 1003: one latest release everywhere, authors from e-mail names."""

from collective.psc.metadata import people_names
from collective.psc.upload.validation import fit_to_page
from plone import api
from Products.GenericSetup.tool import SetupTool


def index_projects(setup: SetupTool) -> None:
    """Fill people from e-mail names, fit READMEs under the page; reindex projects."""
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="SoftwareProject"):
        project = brain._unrestrictedGetObject()
        for field in ("author", "maintainer"):
            if not getattr(project, field, ""):
                names = people_names("", getattr(project, f"{field}_email", ""))
                if names:
                    setattr(project, field, names)
        # READMEs rendered before 1003 kept their h1 and empty anchor links.
        if getattr(project, "long_description_html", ""):
            project.long_description_html = fit_to_page(project.long_description_html)
        project.reindexObject()
