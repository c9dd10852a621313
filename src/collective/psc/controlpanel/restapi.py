"""Offer the control panel through plone.restapi's ``@controlpanels`` (Volto)."""

from collective.psc.controlpanel.interfaces import IPscSettings
from collective.psc.controlpanel.settings import PREFIX
from collective.psc.interfaces import ICollectivePscLayer
from plone.restapi.controlpanels import RegistryConfigletPanel
from zope.component import adapter
from zope.interface import Interface


CONFIGLET_ID = "collective.psc"


@adapter(Interface, ICollectivePscLayer)
class PscControlpanel(RegistryConfigletPanel):
    """The site-wide defaults as a registry control panel of plone.restapi."""

    schema = IPscSettings
    schema_prefix = PREFIX
    configlet_id = CONFIGLET_ID
    configlet_category_id = "Products"
