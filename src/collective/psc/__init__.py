"""collective.psc: a Plone software center that is a Python package index."""

from zope.i18nmessageid import MessageFactory

import logging


PACKAGE_NAME = "collective.psc"

_ = MessageFactory(PACKAGE_NAME)

logger = logging.getLogger(PACKAGE_NAME)
