"""Answer requests whose body Zope cannot read with 400 and a sentence.

ZPublisher reads the form of a request before anything else runs, and
Plone's login read Basic credentials that do not decode with a ValueError
(answered 500); such credentials are now dropped, so the request is
anonymous and challenged where it needs a login. A
multipart body without a boundary made it raise ``KeyError`` (answered 503),
a part whose name or filename is not UTF-8 ``UnicodeDecodeError`` (500), and
its own limits a ``BadRequest`` without a word of why. A subscriber of the
publication's start wraps the request's form reading, so every such failure
becomes a ``MalformedRequest``, answered by a view of its own with the
sentence in the reason phrase and the body, as twine and uv show them.
"""

from typing import Any
from zExceptions import BadRequest
from ZPublisher.interfaces import IPubStart

import base64
import binascii


SENTENCE = (
    "The request's form could not be read ({why}): send a multipart/form-data "
    "body with a boundary, UTF-8 field names and filenames, within the size "
    "limits, as twine and uv publish do."
)


class MalformedRequest(BadRequest):
    """A request whose form Zope cannot read."""


def guard_form_reading(event: IPubStart) -> None:
    """Drop unreadable Basic credentials; make form reading refuse bad input."""
    request = event.request
    if not readable_basic_credentials(getattr(request, "_auth", None) or ""):
        # Credentials nobody can read are no credentials: the request goes on
        # as anonymous and is challenged where it needs a login.
        request._auth = None
    read_form = request.processInputs

    def checked_processInputs(*args: Any, **kwargs: Any) -> Any:
        try:
            result = read_form(*args, **kwargs)
        except MalformedRequest:
            raise
        except Exception as error:
            raise MalformedRequest(SENTENCE.format(why=_why(error))) from None
        # An ':action' or ':method' field becomes part of the path.
        try:
            str(request.other.get("PATH_INFO", "")).encode("utf-8")
        except UnicodeEncodeError:
            why = "the ':action' field is not UTF-8"
            raise MalformedRequest(SENTENCE.format(why=why)) from None
        return result

    request.__dict__["processInputs"] = checked_processInputs


def readable_basic_credentials(header: str) -> bool:
    """Tell whether an Authorization header is no Basic one, or one Zope can read."""
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return True
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded


def _why(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "a field name or filename is not UTF-8"
    if isinstance(error, KeyError):
        return "the multipart body names no boundary"
    text = " ".join(str(error).split())[:200]
    return text or type(error).__name__


class MalformedRequestView:
    """Answer a MalformedRequest: 400, its sentence as reason and body."""

    def __init__(self, context: MalformedRequest, request: Any) -> None:
        self.context = context
        self.request = request

    def __call__(self) -> str:
        """Set the status with the sentence and return it as plain text."""
        message = str(self.context)
        reason = message.encode("latin-1", "replace").decode("latin-1")
        response = self.request.response
        response.setStatus(400, reason=reason, lock=True)
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        return f"{message}\n"
