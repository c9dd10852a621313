"""The PAS plugin that logs in ``__token__`` credentials on package-index paths.

Plone's basic-auth extraction hands over the login and password of an
``Authorization: Basic`` header. When the login is ``__token__`` and the
request goes to an API endpoint of a software center, the password is checked
as an API token of that center; the token's info is kept on the request so the
upload view can enforce the token's project scope. Tokens never log in to the
web pages of the site.
"""

from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from collections.abc import Sequence
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.tokens.service import authenticate_token
from collective.psc.tokens.service import REQUEST_KEY
from collective.psc.tokens.service import TOKEN_LOGIN
from collective.psc.types import Center
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit
from zope.interface import implementer


PLUGIN_ID = "psc_api_tokens"
PLUGIN_TITLE = "collective.psc API tokens"

#: First path segments below a center that are package-index endpoints.
API_SEGMENTS = frozenset({"legacy", "simple", "packages", "pypi", "links"})
#: ``:action`` values that ZPublisher appends to the path of a POST.
API_ACTIONS = frozenset({"file_upload", "submit"})


@implementer(IAuthenticationPlugin)
class TokenAuthentication(BasePlugin):
    """Authenticate ``__token__`` credentials with an API token of the center."""

    meta_type = "collective.psc API token authentication"
    security = ClassSecurityInfo()

    def __init__(self, id: str, title: str = "") -> None:
        self._setId(id)
        self.title = title

    @security.private
    def authenticateCredentials(self, credentials: dict) -> tuple[str, str] | None:
        """Return the user id and login of a valid API token, else None."""
        if credentials.get("login") != TOKEN_LOGIN:
            return None
        request = self.REQUEST
        center = api_center(request)
        if center is None:
            return None
        info = authenticate_token(
            center=center, token=credentials.get("password") or ""
        )
        if info is None:
            return None
        request.other[REQUEST_KEY] = info
        user = self._getPAS().getUserById(info.user_id)
        return info.user_id, user.getUserName()


InitializeClass(TokenAuthentication)


def is_api_path(segments: Sequence[str]) -> bool:
    """Tell whether the path segments below a center name a package-index endpoint."""
    names = [segment.removeprefix("@@") for segment in segments if segment]
    if not names:
        return False
    return names[0] in API_SEGMENTS or (len(names) == 1 and names[0] in API_ACTIONS)


def api_center(request: Any) -> Center | None:
    """Return the center whose package-index API the request goes to, or None."""
    center = next(
        (
            obj
            for obj in request.get("PARENTS") or ()
            if ISoftwareCenter.providedBy(obj)
        ),
        None,
    )
    if center is None:
        return None
    path = unquote(urlsplit(request.get("ACTUAL_URL") or "").path)
    base = center.absolute_url_path().rstrip("/")
    if not path.startswith(f"{base}/"):
        return None
    segments = path[len(base) + 1 :].split("/")
    # A project named like an endpoint ('simple' is a valid name) shadows it.
    if segments[0] in center or not is_api_path(segments):
        return None
    return center


def install_plugin(site: Any) -> None:
    """Add the token plugin to a site's user folder, first among authenticators."""
    pas = site.acl_users
    if PLUGIN_ID not in pas.objectIds():
        pas._setObject(PLUGIN_ID, TokenAuthentication(PLUGIN_ID, title=PLUGIN_TITLE))
    plugins = pas.plugins
    if PLUGIN_ID not in plugins.listPluginIds(IAuthenticationPlugin):
        plugins.activatePlugin(IAuthenticationPlugin, PLUGIN_ID)
    plugins.movePluginsTop(IAuthenticationPlugin, [PLUGIN_ID])


def remove_plugin(site: Any) -> None:
    """Remove the token plugin from a site's user folder."""
    pas = site.acl_users
    if PLUGIN_ID in pas.objectIds():
        pas.manage_delObjects([PLUGIN_ID])
