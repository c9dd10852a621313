"""Requests for a center's index views skip the site's language and theme set-up.

Each test traverses a new request the way the publisher does (the site's
before-traverse event included) on a site that speaks German to a browser
that asks, with its theme on, and reads what the site set up.
"""

from Acquisition import aq_base
from collective.psc.browser.indexrequests import DECISION_KEY
from plone import api
from plone.app.theming.utils import theming_policy
from Products.SiteAccess.VirtualHostMonster import manage_addVirtualHostMonster
from Testing.makerequest import makerequest

import pytest


@pytest.fixture
def german_site(portal):
    """Return the portal, speaking German to a browser that asks, themed."""
    api.portal.set_registry_record("plone.available_languages", ["en", "de"])
    api.portal.set_registry_record("plone.use_request_negotiation", True)
    api.portal.set_registry_record(
        "plone.app.theming.interfaces.IThemeSettings.enabled", True
    )
    return portal


def traversed(app, path: str, method: str = "GET"):
    """Traverse a new German request to a path as the publisher does; return it."""
    root = makerequest(
        aq_base(app), environ={"HTTP_ACCEPT_LANGUAGE": "de", "REQUEST_METHOD": method}
    )
    request = root.REQUEST
    request.other["PARENTS"] = [root]
    request.traverse(path)
    return request


def set_up(request) -> tuple[str, bool, bool]:
    """Return the language, the theme header and the theming policy's answer."""
    return (
        request.get("LANGUAGE"),
        bool(request.environ.get("HTTP_X_THEME_ENABLED")),
        theming_policy(request).isThemeEnabled(),
    )


@pytest.mark.parametrize(
    "path",
    [
        "simple/",
        "simple/demo/",
        "@@simple/demo/",
        "packages/ab/cd/demo-1.0-py3-none-any.whl",
        "pypi/demo/json",
        "links/",
        "legacy/",
        "upstream-files/demo/demo-1.0.tar.gz",
    ],
)
def test_index_views_get_english_and_no_theme(app, german_site, center, path):
    request = traversed(app, f"/{german_site.getId()}/pypi/{path}")
    assert request.other[DECISION_KEY] is True
    assert set_up(request) == ("en", False, False)


@pytest.mark.parametrize("path", ["", "demo", "view"])
def test_pages_of_a_center_get_the_site_language_and_theme(
    app, german_site, center, path
):
    api.content.create(container=center, type="SoftwareProject", id="demo")
    request = traversed(app, f"/{german_site.getId()}/pypi/{path}".rstrip("/"))
    assert request.other[DECISION_KEY] is False
    assert set_up(request) == ("de", True, True)


def test_a_view_name_that_is_no_index_view_of_a_center_takes_plones_path(
    app, german_site, center
):
    with api.env.adopt_roles(["Manager"]):
        folder = api.content.create(container=german_site, type="Folder", id="simple")
        api.content.create(container=folder, type="Document", id="page")
    # "simple" below the site is a folder, not a center's view.
    request = traversed(app, f"/{german_site.getId()}/simple/page")
    assert set_up(request) == ("de", True, True)


def test_a_center_in_a_folder_takes_plones_path(app, german_site):
    with api.env.adopt_roles(["Manager"]):
        folder = api.content.create(container=german_site, type="Folder", id="dev")
        api.content.create(container=folder, type="SoftwareCenter", id="pypi")
    request = traversed(app, f"/{german_site.getId()}/dev/pypi/simple/")
    assert set_up(request) == ("de", True, True)


@pytest.mark.parametrize(
    "virtual",
    [
        "/VirtualHostBase/https/pypi.example.org:443/{site}/pypi/VirtualHostRoot/",
        "/VirtualHostBase/https/example.org:443/{site}/VirtualHostRoot/pypi/",
        "/VirtualHostBase/https/example.org:443/{site}/VirtualHostRoot/_vh_cheese/pypi/",
    ],
)
def test_index_views_behind_a_virtual_host(app, german_site, center, virtual):
    if "virtual_hosting" not in app.objectIds():
        manage_addVirtualHostMonster(app, "virtual_hosting")
    api.content.create(container=center, type="SoftwareProject", id="demo")
    path = virtual.format(site=german_site.getId())
    request = traversed(app, f"{path}simple/")
    assert request["ACTUAL_URL"].endswith("/simple/")
    assert set_up(request) == ("en", False, False)
    request = traversed(app, f"{path}demo")
    assert set_up(request) == ("de", True, True)
