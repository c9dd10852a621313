"""Read the site-wide defaults, falling back to the built-in ones."""

from collective.psc.constants import CLASSIFIER_POLICIES
from collective.psc.constants import KNOWN_OR_PRIVATE
from collective.psc.controlpanel.interfaces import IPscSettings
from collective.psc.storage import DEFAULT_STORAGE
from collective.psc.storage import storage_names
from plone.registry.interfaces import IRegistry
from typing import Any
from zope.component import queryUtility


PREFIX = "collective.psc"


def record_name(field: str) -> str:
    """Return the registry record name of a settings field."""
    return f"{PREFIX}.{field}"


def default_upload_size_limit() -> int:
    """Return the upload size limit (MiB) new centers start with."""
    value = _value("default_upload_size_limit")
    if isinstance(value, int) and value >= 1:
        return value
    return IPscSettings["default_upload_size_limit"].default


def default_storage() -> str:
    """Return the archive storage new centers start with."""
    value = _value("default_storage")
    return value if value in storage_names() else DEFAULT_STORAGE


def classifier_policy() -> str:
    """Return the site's policy for the classifiers of uploads."""
    value = _value("classifier_policy")
    return value if value in CLASSIFIER_POLICIES else KNOWN_OR_PRIVATE


def categories() -> list[str]:
    """Return the project categories the site offers, in their order."""
    value = _value("categories")
    if not isinstance(value, (list, tuple)):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _value(field: str) -> Any:
    # A site whose profile predates a record (or code running outside a
    # site) gets the schema's default instead of an error.
    default = IPscSettings[field].default
    registry = queryUtility(IRegistry)
    if registry is None:
        return default
    return registry.get(record_name(field), default)
