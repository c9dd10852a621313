"""Install and uninstall handlers of collective.psc."""

from plone.base.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    """Hide the uninstall profile from the add-ons control panel."""

    def getNonInstallableProfiles(self) -> list[str]:
        """Return the profiles not to offer for installation."""
        return ["collective.psc:uninstall"]
