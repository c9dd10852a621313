"""A layer with a WSGI server and a stand-in API endpoint that reports who called.

The stand-in is published as ``<center>/file_upload`` (the path a POST with
``:action=file_upload`` to the center gets), for centers marked with
``IWhoAmICenter`` only, so it never hides the real upload view.
"""

from collective.psc.exceptions import Forbidden
from collective.psc.interfaces import IIndexEndpoint
from collective.psc.services.base import current_user_id
from collective.psc.testing import FIXTURE
from collective.psc.testing import WSGI_SERVER_FIXTURE
from collective.psc.tokens.store import check_token_scope
from collective.psc.tokens.store import token_scope
from plone.app.testing import FunctionalTesting
from plone.app.testing import PloneSandboxLayer
from Products.Five.browser import BrowserView
from zope.configuration import xmlconfig
from zope.interface import implementer
from zope.interface import Interface

import json


# The password of the members the token tests create.
PASSWORD = "secret!1"


ZCML = """
<configure xmlns="http://namespaces.zope.org/browser">
  <page
      name="file_upload"
      for="tests.tokens.server.IWhoAmICenter"
      class="tests.tokens.server.WhoAmI"
      permission="zope.Public"
      />
</configure>
"""


class IWhoAmICenter(Interface):
    """A center that publishes the stand-in endpoint."""


@implementer(IIndexEndpoint)
class WhoAmI(BrowserView):
    """Report the authenticated user and the token scope, or a scope error."""

    def __call__(self) -> str:
        info = token_scope(self.request)
        project = self.request.form.get("name")
        if project:
            try:
                check_token_scope(request=self.request, project_name=project)
            except Forbidden as error:
                self.request.response.setStatus(403)
                return error.message
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(
            {
                "user": current_user_id(),
                "token": info.id if info else None,
                "scope": info.project if info else None,
            }
        )


class TokensServerLayer(PloneSandboxLayer):
    """collective.psc with the stand-in endpoint registered."""

    defaultBases = (FIXTURE,)

    def setUpZope(self, app, configurationContext) -> None:
        xmlconfig.string(ZCML, context=configurationContext)


TOKENS_SERVER_FIXTURE = TokensServerLayer()

TOKENS_SERVER_TESTING = FunctionalTesting(
    bases=(TOKENS_SERVER_FIXTURE, WSGI_SERVER_FIXTURE),
    name="CollectivePscTokens:ServerTesting",
)
