"""The PAS plugin that logs in ``__token__`` credentials on package-index endpoints.

Plone's basic-auth extraction hands over the login and password of an
``Authorization: Basic`` header. When the login is ``__token__``, the plugin
looks at the object the request was published to, after traversal: only a
view marked ``IIndexEndpoint`` whose context is a software center accepts the
password as an API token of that center. Path tricks (``simple/../edit``, an
``:action`` of ``../@@api-tokens``, a project named like an endpoint) change
what is published, so they reach no endpoint and the token logs in nowhere.
The token's info is kept on the request so the endpoint can enforce its scope,
and the time of its use is recorded (``tokens/uses.py``).
"""

from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from Acquisition import aq_inner
from collective.psc.constants import TOKEN_LOGIN
from collective.psc.interfaces import IIndexEndpoint
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.tokens.store import authenticate_token
from collective.psc.tokens.store import REQUEST_KEY
from collective.psc.tokens.uses import record_use
from collective.psc.types import Center
from datetime import datetime
from datetime import UTC
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from typing import Any
from typing import cast
from zope.interface import implementer


PLUGIN_ID = "psc_api_tokens"
PLUGIN_TITLE = "collective.psc API tokens"


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
        center = endpoint_center(request)
        if center is None:
            return None
        info = authenticate_token(
            center=center, token=credentials.get("password") or ""
        )
        if info is None:
            return None
        request.other[REQUEST_KEY] = info
        record_use(
            center=center, token_id=info.id, request=request, now=datetime.now(UTC)
        )
        user = self._getPAS().getUserById(info.user_id)
        return info.user_id, user.getUserName()


InitializeClass(TokenAuthentication)


def endpoint_center(request: Any) -> Center | None:
    """Return the center whose index endpoint the request was published to, or None."""
    published = request.get("PUBLISHED")
    # HEAD and other methods publish a bound method of the view.
    view = getattr(published, "__self__", published)
    if not IIndexEndpoint.providedBy(view):
        return None
    context = aq_inner(getattr(view, "context", None))
    if not ISoftwareCenter.providedBy(context):
        return None
    return cast(Center, context)


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
