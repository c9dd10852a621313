"""The registry records of the site-wide defaults, and new centers taking them."""

from collective.psc.controlpanel import settings
from plone import api

import pytest


@pytest.fixture
def records(portal):
    """Set registry records by field name."""

    def set_records(**values):
        for field, value in values.items():
            api.portal.set_registry_record(settings.record_name(field), value)

    return set_records


def test_profile_registers_the_records_with_their_defaults(portal):
    assert (
        api.portal.get_registry_record("collective.psc.default_upload_size_limit")
        == 100
    )
    assert api.portal.get_registry_record("collective.psc.default_storage") == "blob"
    assert (
        api.portal.get_registry_record("collective.psc.classifier_policy")
        == "known-or-private"
    )


def test_a_new_center_takes_the_registry_defaults(manager, portal, records):
    records(default_upload_size_limit=7)
    center = api.content.create(container=portal, type="SoftwareCenter", id="c1")
    assert center.upload_size_limit == 7
    assert center.storage == "blob"


def test_a_center_keeps_its_values_when_the_defaults_change(manager, portal, records):
    records(default_upload_size_limit=7)
    center = api.content.create(container=portal, type="SoftwareCenter", id="c1")
    records(default_upload_size_limit=300)
    assert center.upload_size_limit == 7
    assert (
        api.content.create(
            container=portal, type="SoftwareCenter", id="c2"
        ).upload_size_limit
        == 300
    )


def test_values_given_at_creation_win(manager, portal, records):
    records(default_upload_size_limit=7)
    center = api.content.create(
        container=portal, type="SoftwareCenter", id="c1", upload_size_limit=42
    )
    assert center.upload_size_limit == 42


def test_missing_records_fall_back_to_the_built_in_defaults(manager, portal):
    registry = portal.portal_registry
    for field in ("default_upload_size_limit", "default_storage", "classifier_policy"):
        del registry.records[settings.record_name(field)]
    assert settings.default_upload_size_limit() == 100
    assert settings.default_storage() == "blob"
    assert settings.classifier_policy() == "known-or-private"
    center = api.content.create(container=portal, type="SoftwareCenter", id="c1")
    assert (center.storage, center.upload_size_limit) == ("blob", 100)


def test_a_storage_no_longer_registered_falls_back_to_blobs(portal):
    record = portal.portal_registry.records["collective.psc.default_storage"]
    # Bypass the field's validation, as a removed add-on would leave it.
    record._value = "gone"
    assert settings.default_storage() == "blob"


def test_uninstall_removes_the_records_and_the_configlet(portal, installer):
    installer.uninstall_product("collective.psc")
    assert "collective.psc.classifier_policy" not in portal.portal_registry.records
    configlets = portal.portal_controlpanel.listActions()
    assert "collective.psc" not in [action.getId() for action in configlets]
