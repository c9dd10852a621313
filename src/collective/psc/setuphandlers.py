"""Install and uninstall handlers of collective.psc."""

from collective.psc.tokens.plugin import install_plugin
from collective.psc.tokens.plugin import remove_plugin
from plone import api
from plone.base.interfaces import INonInstallable
from Products.GenericSetup.tool import SetupTool
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    """Hide the uninstall profile from the add-ons control panel."""

    def getNonInstallableProfiles(self) -> list[str]:
        """Return the profiles not to offer for installation."""
        return ["collective.psc:uninstall"]


def post_install(context: SetupTool) -> None:
    """Install the API token authentication plugin after the default profile."""
    install_plugin(api.portal.get())


def uninstall(context: SetupTool) -> None:
    """Remove the API token authentication plugin after the uninstall profile."""
    remove_plugin(api.portal.get())
