"""Create a Python package index site: profiles, software center, front page."""

from plone import api
from plone.distribution.core import Distribution
from plone.distribution.handler import default_handler
from Products.CMFPlone.Portal import PloneSite


FRONT_PAGE_VIEW = "psc-front-page"
THEME_UNTHEMED_HOSTS = "plone.app.theming.interfaces.IThemeSettings.hostnameBlacklist"
DISPLAYED_TYPES = "plone.displayed_types"
DEFAULT_CENTER_ID = "pypi"
DEFAULT_CENTER_TITLE = "Package index"
# Plone 6.2 sets up the Classic UI layout in a profile of its own, which
# Plone 6.1 does not have; it is applied where it exists.
LAYOUT_PROFILE = "plone.app.layout:default"


def create_index(
    distribution: Distribution, site: PloneSite, answers: dict
) -> PloneSite:
    """Apply the profiles, create the center and show the quick start page."""
    site = default_handler(distribution, site, answers)
    setup = site.portal_setup
    if any(info["id"] == LAYOUT_PROFILE for info in setup.listProfileInfo()):
        setup.runAllImportStepsFromProfile(f"profile-{LAYOUT_PROFILE}")
    # The quick start serves 127.0.0.1, which Plone leaves unthemed by default.
    api.portal.set_registry_record(THEME_UNTHEMED_HOSTS, [])
    center_id = answers.get("center_id") or DEFAULT_CENTER_ID
    if center_id not in site.objectIds():
        api.content.create(
            container=site,
            type="SoftwareCenter",
            id=center_id,
            title=answers.get("center_title") or DEFAULT_CENTER_TITLE,
        )
    # The navigation lists only the displayed types; the center is the site's point.
    displayed = api.portal.get_registry_record(DISPLAYED_TYPES)
    if "SoftwareCenter" not in displayed:
        api.portal.set_registry_record(DISPLAYED_TYPES, (*displayed, "SoftwareCenter"))
    site.setLayout(FRONT_PAGE_VIEW)
    return site
