"""The content tests use the committed centers of the storage tests."""

from tests.storage.conftest import archives  # noqa: F401
from tests.storage.conftest import make_center  # noqa: F401
