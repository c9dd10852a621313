"""The PAS plugin: installed by the profile, accepting tokens on API paths only."""

from collective.psc.interfaces import ICollectivePscLayer
from collective.psc.simple.views import SimpleIndex
from collective.psc.tokens.plugin import endpoint_center
from collective.psc.tokens.plugin import install_plugin
from collective.psc.tokens.plugin import PLUGIN_ID
from collective.psc.tokens.store import create_token
from collective.psc.tokens.store import REQUEST_KEY
from collective.psc.tokens.store import revoke_token
from plone import api
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from zope.component import getMultiAdapter
from zope.interface import alsoProvides

import pytest


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


def publish(request, context, name):
    """Point the request at a view as ZPublisher does after traversal."""
    alsoProvides(request, ICollectivePscLayer)
    view = getMultiAdapter((context, request), name=name)
    request["PUBLISHED"] = view
    return view


def authenticate(portal, token, login="__token__"):
    plugin = portal.acl_users[PLUGIN_ID]
    return plugin.authenticateCredentials(
        {"login": login, "password": token, "extractor": "credentials_basic_auth"}
    )


@pytest.mark.parametrize(
    "name", ["legacy", "file_upload", "submit", "simple", "packages", "links", "pypi"]
)
def test_token_authenticates_at_index_endpoints(
    portal, center, token, http_request, name
):
    info, clear = token
    publish(http_request, center, name)
    assert endpoint_center(http_request) == center
    assert authenticate(portal, clear) == ("alice", "alice")
    assert http_request.other[REQUEST_KEY] == info


def test_bound_method_of_an_endpoint(portal, center, token, http_request):
    # HEAD requests publish the view's HEAD method.
    _info, clear = token
    view = publish(http_request, center, "packages")
    http_request["PUBLISHED"] = view.HEAD
    assert authenticate(portal, clear) == ("alice", "alice")


@pytest.mark.parametrize("name", ["api-tokens", "view", "edit", "folder_contents"])
def test_token_refused_outside_endpoints(portal, center, token, http_request, name):
    _info, clear = token
    publish(http_request, center, name)
    assert endpoint_center(http_request) is None
    assert authenticate(portal, clear) is None
    assert REQUEST_KEY not in http_request.other


def test_token_refused_on_content(portal, center, project, http_request):
    with api.env.adopt_user(username="alice"):
        _info, clear = create_token(center=center, user_id="alice")
    http_request["PUBLISHED"] = center
    assert authenticate(portal, clear) is None
    http_request["PUBLISHED"] = project
    assert authenticate(portal, clear) is None
    publish(http_request, project, "view")
    assert authenticate(portal, clear) is None


def test_endpoint_of_another_context_is_refused(portal, center, token, http_request):
    # The same view class published on the portal is no endpoint of a center.
    _info, clear = token
    http_request["PUBLISHED"] = SimpleIndex(portal, http_request)
    assert endpoint_center(http_request) is None
    assert authenticate(portal, clear) is None


def test_nothing_published_yet(portal, center, token, http_request):
    _info, clear = token
    http_request["PUBLISHED"] = None
    assert authenticate(portal, clear) is None


def test_bad_tokens_do_not_authenticate(portal, center, token, http_request):
    info, clear = token
    publish(http_request, center, "legacy")
    assert authenticate(portal, clear, login="alice") is None
    assert authenticate(portal, clear[:-1]) is None
    assert authenticate(portal, None) is None
    with api.env.adopt_user(username="alice"):
        revoke_token(center=center, token_id=info.id)
    assert authenticate(portal, clear) is None
    assert REQUEST_KEY not in http_request.other


def test_login_name_of_the_token_user(manager, portal, center, http_request):
    api.user.create(email="carol@example.org", username="carol", password="x" * 9)
    portal.acl_users.source_users.updateUser("carol", "carol@example.org")
    _info, clear = create_token(center=center, user_id="carol")
    publish(http_request, center, "legacy")
    assert authenticate(portal, clear) == ("carol", "carol@example.org")
