"""The security tests use the server fixtures of the upload tests."""

from tests.upload.conftest import center  # noqa: F401
from tests.upload.conftest import client  # noqa: F401
from tests.upload.conftest import portal_server  # noqa: F401
