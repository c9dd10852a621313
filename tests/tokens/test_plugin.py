"""The PAS plugin: installed by the profile, accepting tokens on API paths only."""

from collective.psc.tokens.plugin import api_center
from collective.psc.tokens.plugin import install_plugin
from collective.psc.tokens.plugin import is_api_path
from collective.psc.tokens.plugin import PLUGIN_ID
from collective.psc.tokens.service import create_token
from collective.psc.tokens.service import REQUEST_KEY
from collective.psc.tokens.service import revoke_token
from plone import api
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin

import pytest


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("legacy/", True),
        ("legacy", True),
        ("legacy/file_upload", True),
        ("@@legacy/file_upload", True),
        ("simple/", True),
        ("simple/alices-tool/", True),
        ("pypi/alices-tool/json", True),
        ("packages/ab/cd/alices_tool-1.0-py3-none-any.whl", True),
        ("file_upload", True),
        ("submit", True),
        ("", False),
        ("/", False),
        ("@@api-tokens", False),
        ("edit", False),
        ("folder_contents", False),
        ("alices-tool/edit", False),
        ("alices-tool/file_upload", False),
        ("file_upload/more", False),
        ("mylegacy/", False),
    ],
)
def test_is_api_path(path, expected):
    assert is_api_path(path.split("/")) is expected


def test_plugin_installed_and_first_authenticator(portal):
    pas = portal.acl_users
    assert PLUGIN_ID in pas.objectIds()
    assert pas.plugins.listPluginIds(IAuthenticationPlugin)[0] == PLUGIN_ID


def test_install_again_keeps_one_active_plugin(portal):
    pas = portal.acl_users
    pas.plugins.movePluginsDown(IAuthenticationPlugin, [PLUGIN_ID])
    install_plugin(portal)
    ids = pas.plugins.listPluginIds(IAuthenticationPlugin)
    assert ids.count(PLUGIN_ID) == 1
    assert ids[0] == PLUGIN_ID


def test_uninstall_removes_plugin(portal, installer):
    installer.uninstall_product("collective.psc")
    pas = portal.acl_users
    assert PLUGIN_ID not in pas.objectIds()
    assert PLUGIN_ID not in pas.plugins.listPluginIds(IAuthenticationPlugin)
    installer.install_product("collective.psc")
    assert pas.plugins.listPluginIds(IAuthenticationPlugin)[0] == PLUGIN_ID


@pytest.fixture
def token(center, members):
    with api.env.adopt_user(username="alice"):
        return create_token(center=center, user_id="alice")


def point_request(request, parents, url):
    request["PARENTS"] = parents
    request["ACTUAL_URL"] = url


def authenticate(portal, token, login="__token__"):
    plugin = portal.acl_users[PLUGIN_ID]
    return plugin.authenticateCredentials(
        {"login": login, "password": token, "extractor": "credentials_basic_auth"}
    )


@pytest.mark.parametrize("path", ["legacy/file_upload", "simple/", "file_upload"])
def test_token_authenticates_on_api_path(portal, center, token, http_request, path):
    info, clear = token
    point_request(http_request, [center, portal], f"{center.absolute_url()}/{path}")
    assert authenticate(portal, clear) == ("alice", "alice")
    assert http_request.other[REQUEST_KEY] == info


@pytest.mark.parametrize("path", ["", "@@api-tokens", "edit", "alices-tool/edit"])
def test_token_refused_outside_api(portal, center, token, http_request, path):
    _info, clear = token
    point_request(http_request, [center, portal], f"{center.absolute_url()}/{path}")
    assert authenticate(portal, clear) is None
    assert REQUEST_KEY not in http_request.other


def test_center_id_is_no_api_segment(portal, token, http_request):
    # The center's own id is 'pypi', a name of an API endpoint below it.
    _info, clear = token
    center = portal["pypi"]
    point_request(http_request, [center, portal], f"{center.absolute_url()}/edit")
    assert authenticate(portal, clear) is None


def test_token_refused_without_center(portal, center, token, http_request):
    _info, clear = token
    point_request(http_request, [portal], f"{portal.absolute_url()}/legacy/")
    assert authenticate(portal, clear) is None
    # The path must lie below the center found in PARENTS.
    point_request(http_request, [center, portal], f"{portal.absolute_url()}/legacy/")
    assert authenticate(portal, clear) is None


def test_project_shadows_endpoint_name(portal, center, members, http_request):
    with api.env.adopt_user(username="alice"):
        api.content.create(container=center, type="SoftwareProject", id="simple")
        _info, clear = create_token(center=center, user_id="alice")
    point_request(http_request, [center, portal], f"{center.absolute_url()}/simple/")
    assert authenticate(portal, clear) is None
    url = f"{center.absolute_url()}/@@simple/"
    point_request(http_request, [center, portal], url)
    assert authenticate(portal, clear) == ("alice", "alice")


def test_bad_tokens_do_not_authenticate(portal, center, token, http_request):
    info, clear = token
    point_request(http_request, [center, portal], f"{center.absolute_url()}/legacy/")
    assert authenticate(portal, clear, login="alice") is None
    assert authenticate(portal, clear[:-1]) is None
    assert authenticate(portal, None) is None
    revoke_token(center=center, token_id=info.id)
    assert authenticate(portal, clear) is None
    assert REQUEST_KEY not in http_request.other


def test_login_name_of_the_token_user(portal, center, http_request):
    api.user.create(email="carol@example.org", username="carol", password="x" * 9)
    portal.acl_users.source_users.updateUser("carol", "carol@example.org")
    _info, clear = create_token(center=center, user_id="carol")
    point_request(http_request, [center, portal], f"{center.absolute_url()}/legacy/")
    assert authenticate(portal, clear) == ("carol", "carol@example.org")


def test_api_center_with_virtual_hosting(portal, center, http_request):
    # Behind a rewrite rule the center is the root of the site's URL.
    http_request.setServerURL("https", "index.example", "443")
    http_request["PARENTS"] = [center]
    http_request.setVirtualRoot([])
    assert center.absolute_url_path() == "/"
    http_request["PARENTS"] = [center, portal]
    http_request["ACTUAL_URL"] = "https://index.example/legacy/file_upload"
    assert api_center(http_request) == center
    http_request["ACTUAL_URL"] = "https://index.example/edit"
    assert api_center(http_request) is None
