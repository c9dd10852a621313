"""Test layers: a Plone site with collective.psc installed and a center."""

from collective.psc.i18n import compile_translations
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.testing.zope import WSGIServer

import collective.psc


class CollectivePscLayer(PloneSandboxLayer):
    """Install collective.psc into a Plone site."""

    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext) -> None:
        """Compile the translations, then load the package's ZCML."""
        compile_translations()
        self.loadZCML(package=collective.psc)

    def setUpPloneSite(self, portal) -> None:
        """Apply the default profile; the test user is a plain Member."""
        applyProfile(portal, "collective.psc:default")
        setRoles(portal, TEST_USER_ID, ["Member"])


FIXTURE = CollectivePscLayer()

INTEGRATION_TESTING = IntegrationTesting(
    bases=(FIXTURE,), name="CollectivePscLayer:IntegrationTesting"
)

FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(FIXTURE,), name="CollectivePscLayer:FunctionalTesting"
)


class ReplayingWSGIServer(WSGIServer):
    """The test WSGI server, with the replay filter that ``psc init`` configures."""

    def make_wsgi_app(self):
        """Return Zope's WSGI application behind the replay filter."""
        from collective.psc.replay import ReplayFilter

        return ReplayFilter(super().make_wsgi_app())


WSGI_SERVER_FIXTURE = ReplayingWSGIServer()

SERVER_TESTING = FunctionalTesting(
    bases=(FIXTURE, WSGI_SERVER_FIXTURE),
    name="CollectivePscLayer:ServerTesting",
)
