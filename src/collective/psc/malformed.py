"""Answer requests whose body Zope cannot read with 400 and a sentence.

ZPublisher reads the form of a request before anything else runs. A
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


SENTENCE = (
    "The request's form could not be read ({why}): send a multipart/form-data "
    "body with a boundary, UTF-8 field names and filenames, within the size "
    "limits, as twine and uv publish do."
)


class MalformedRequest(BadRequest):
    """A request whose form Zope cannot read."""


def guard_form_reading(event: IPubStart) -> None:
    """Make the request's form reading raise MalformedRequest on bad input."""
    request = event.request
    read_form = request.processInputs

    def checked_processInputs(*args: Any, **kwargs: Any) -> Any:
        try:
            return read_form(*args, **kwargs)
        except MalformedRequest:
            raise
        except Exception as error:
            raise MalformedRequest(SENTENCE.format(why=_why(error))) from None

    request.__dict__["processInputs"] = checked_processInputs


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
