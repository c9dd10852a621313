"""Installing and uninstalling the add-on."""

from collective.psc.interfaces import ICollectivePscLayer
from plone.browserlayer.utils import registered_layers

import pytest


TYPES = ("SoftwareCenter", "SoftwareProject", "SoftwareRelease", "DistributionFile")


def test_installed(installer):
    assert installer.is_product_installed("collective.psc")


def test_browserlayer(portal):
    assert ICollectivePscLayer in registered_layers()


def test_profile_version(profile_last_version):
    assert profile_last_version("collective.psc:default") == "1004"


@pytest.mark.parametrize("type_name", TYPES)
def test_types_registered(portal, type_name):
    assert type_name in portal.portal_types.objectIds()


def test_center_workflow(portal):
    chain = portal.portal_workflow.getChainForPortalType("SoftwareCenter")
    assert chain == ("psc_center_workflow",)
    for type_name in TYPES[1:]:
        assert portal.portal_workflow.getChainForPortalType(type_name) == ()


def test_uninstall_removes_types_and_layer(portal, installer):
    installer.uninstall_product("collective.psc")
    assert not installer.is_product_installed("collective.psc")
    assert ICollectivePscLayer not in registered_layers()
    for type_name in TYPES:
        assert type_name not in portal.portal_types.objectIds()
    catalog = portal.portal_catalog
    assert not [name for name in catalog.indexes() if name.startswith("psc_")]
    assert not [name for name in catalog.schema() if name.startswith("psc_")]
