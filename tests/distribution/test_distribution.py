"""The "Python package index" distribution: a themed site with a center and a guide."""

from collective.psc.distribution.handlers import THEME_UNTHEMED_HOSTS
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.distribution.api import site as site_api
from tests.fixtures.served import virtual_host_monster
from zope.component.hooks import setSite

import pytest
import requests


pytestmark = pytest.mark.functional

ANSWERS = {
    "site_id": "index",
    "title": "Acme packages",
    "description": "Acme's Python packages.",
    "center_id": "pypi",
    "center_title": "Acme index",
    "default_language": "en",
    "portal_timezone": "UTC",
}


@pytest.fixture
def index_site(server, portal_server):
    """Create a site from the distribution in the served Zope root; return its URL."""
    app = server["app"]
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        site = site_api.create(app, "psc", dict(ANSWERS))
    base = portal_server.absolute_url().rsplit("/", 1)[0]
    yield site, f"{base}/{site.getId()}"
    setSite(portal_server)


def test_site_has_the_add_on_the_theme_and_a_center(index_site):
    site, _ = index_site
    setSite(site)
    setup = site.portal_setup
    assert setup.getLastVersionForProfile("collective.psc:default") != "unknown"
    assert (
        api.portal.get_registry_record(
            "plone.app.theming.interfaces.IThemeSettings.currentTheme"
        )
        == "barceloneta"
    )
    assert api.portal.get_registry_record(THEME_UNTHEMED_HOSTS) == []
    center = site["pypi"]
    assert center.portal_type == "SoftwareCenter"
    assert center.Title() == "Acme index"
    assert site.Title() == "Acme packages"
    assert site.getLayout() == "psc-front-page"


def test_front_page_links_the_center_and_shows_this_hosts_urls(index_site):
    _, url = index_site
    # 127.0.0.1 is one of Plone's default unthemed host names.
    for site_url in (url, url.replace("localhost", "127.0.0.1")):
        response = requests.get(site_url, timeout=30)
        assert response.status_code == 200
        page = response.text
        assert "++theme++barceloneta/css/barceloneta" in page
        center = f"{site_url}/pypi"
        assert f'href="{center}"' in page  # the navigation
        assert f"twine upload --repository-url {center}/legacy/ dist/*" in page
        assert f"uv publish --publish-url {center}/legacy/ dist/*" in page
        assert f"repository = {center}/legacy/" in page
        assert f"pip install --index-url {center}/simple/ your-project" in page
        assert f"index = {center}/simple/" in page


def test_front_page_follows_a_virtual_host(index_site):
    _, url = index_site
    virtual_host_monster()
    base = url.rsplit("/", 1)[0]
    response = requests.get(
        f"{base}/VirtualHostBase/https/pkgs.example.org:443/index/VirtualHostRoot/",
        timeout=30,
    )
    assert response.status_code == 200
    assert "twine upload --repository-url https://pkgs.example.org/pypi/legacy/" in (
        response.text
    )
