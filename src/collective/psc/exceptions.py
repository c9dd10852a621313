"""Exceptions raised by the service layer, one type per failure.

Every exception carries a sentence a client can show (twine prints the HTTP
reason phrase); the protocol views translate the ``status`` to a response.
A message made with ``collective.psc._`` and a mapping is also translated on
the pages that show it; clients and the command line get its English text.
"""

from zope.i18n import interpolate
from zope.i18nmessageid import Message


class PSCError(Exception):
    """Base class of the errors the service layer raises."""

    status: int = 400

    def __init__(self, message: str) -> None:
        text = (
            interpolate(str(message), message.mapping)
            if isinstance(message, Message)
            else message
        )
        super().__init__(text)
        self.message = text
        self.translatable = message


class InvalidName(PSCError):
    """A project name that is not a valid distribution name."""


class NotConfirmed(PSCError):
    """A destructive action whose confirmation was missing or did not match."""


class InvalidVersion(PSCError):
    """A version that PEP 440 cannot parse."""


class InvalidFilename(PSCError):
    """A distribution filename that is unsafe or not a known archive type."""


class Forbidden(PSCError):
    """A user who lacks the permission for a change."""

    status = 403


class TrackedUpstream(Forbidden):
    """A change to a project that is tracked from an upstream index, not local."""


class BrowserRequest(Forbidden):
    """An upload request sent by a web browser, maybe from another site."""


class ProjectNotFound(PSCError):
    """A project that is not in the center."""

    status = 404


class ReleaseNotFound(PSCError):
    """A release that is not in the project."""

    status = 404


class FileNotFound(PSCError):
    """A distribution file that is not in the center."""

    status = 404


class UserNotFound(PSCError):
    """A user id that no user has."""

    status = 404


class TokenNotFound(PSCError):
    """A token id that the center does not know."""

    status = 404


class FileExists(PSCError):
    """A filename that was used before, with other content."""


class DuplicateFile(PSCError):
    """The very same file was uploaded before."""

    status = 409


class FileTooLarge(PSCError):
    """An archive over the center's size limit."""


class DigestMismatch(PSCError):
    """A digest that the client sent and that does not match the bytes."""


class StorageNotFound(PSCError):
    """A storage strategy name that no utility is registered for."""

    status = 500


class StorageUnavailable(PSCError):
    """A storage strategy that cannot keep archives with the center's settings."""

    status = 503


class ArchiveCorrupted(PSCError):
    """Stored bytes whose digest differs from the one the file records."""

    status = 500


class Unauthenticated(PSCError):
    """A request that needs credentials and sent none."""

    status = 401


class BadCredentials(PSCError):
    """Credentials that match no user or token."""

    status = 403


class InvalidUpload(PSCError):
    """An upload form that breaks the protocol (missing or malformed fields)."""


class InvalidMetadata(PSCError):
    """Core metadata that packaging or the index's rules refuse."""


class InvalidDistribution(PSCError):
    """An archive whose content does not make a valid distribution."""


class ArchiveTooLarge(InvalidDistribution):
    """An archive that decompresses past the bounds of scanning it."""


class UnknownAction(PSCError):
    """An ``:action`` the index does not implement."""


class Gone(PSCError):
    """An ``:action`` that the index will not support any more."""

    status = 410


class SyncRefused(PSCError):
    """A sync of tracked upstream projects that the center's settings forbid."""


class ImportRefused(PSCError):
    """A release import whose source cannot be read or does not match its hash."""
