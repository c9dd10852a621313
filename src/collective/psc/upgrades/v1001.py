"""Profile version 1001: product pages, site settings, feeds and the REST API."""

from plone import api
from Products.CMFPlone.utils import get_installer
from Products.GenericSetup.tool import SetupTool


LISTING_INDEXES = [
    "psc_latest_date",
    "psc_maturity",
    "psc_classifiers",
    "psc_compatibility",
    "psc_categories",
    "psc_downloads",
]


def install_restapi(setup: SetupTool) -> None:
    """Install plone.restapi's profile, which the add-on now depends on."""
    installer = get_installer(api.portal.get())
    if not installer.is_product_installed("plone.restapi"):
        installer.install_product("plone.restapi")


def index_projects(setup: SetupTool) -> None:
    """Fill the listing's new indexes and columns, and the projects' new text."""
    catalog = api.portal.get_tool("portal_catalog")
    indexes = [*LISTING_INDEXES, "SearchableText"]
    for brain in catalog.unrestrictedSearchResults(portal_type="SoftwareProject"):
        brain._unrestrictedGetObject().reindexObject(idxs=indexes)
