"""Answer upload requests with a status, a reason phrase and a body clients show.

twine shows the HTTP reason phrase of a failed upload; uv shows the ``code``
of a JSON body. Every answer carries the message in both, as PyPI does.
"""

from collective.psc.accept import parse_accept
from collective.psc.accept import quality
from ZPublisher.HTTPResponse import status_reasons

import json


JSON = "application/json"
TEXT = ("text/plain", "text/html")


def reason_phrase(message: str) -> str:
    """Return a message made safe for the HTTP status line (one Latin-1 line)."""
    line = " ".join(message.split())
    return line.encode("latin-1", "replace").decode("latin-1")


def wants_json(accept: str) -> bool:
    """Tell whether an Accept header names JSON and prefers it to text and HTML."""
    ranges = parse_accept(accept)
    if not any(media == JSON for media, _quality in ranges):
        return False
    best_json = quality(JSON, ranges)
    best_text = max(quality(media, ranges) for media in TEXT)
    return best_json > 0 and best_json > best_text


def respond(request, status: int, message: str) -> str:
    """Set status, reason and content type on the response; return the body."""
    response = request.response
    reason = reason_phrase(message)
    response.setStatus(status, reason=reason)
    if wants_json(request.get_header("Accept", "") or ""):
        response.setHeader("Content-Type", "application/json")
        return json.dumps(
            {
                "message": message,
                "code": f"{status} {reason}",
                "title": status_reasons.get(status, "Unknown"),
            }
        )
    response.setHeader("Content-Type", "text/plain; charset=utf-8")
    return f"{message}\n"
