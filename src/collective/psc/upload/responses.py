"""Answer upload requests with a status, a reason phrase and a body clients show.

twine shows the HTTP reason phrase of a failed upload; uv shows the ``code``
of a JSON body. Every answer carries the message in both, as PyPI does.
"""

from ZPublisher.HTTPResponse import status_reasons

import json


def reason_phrase(message: str) -> str:
    """Return a message made safe for the HTTP status line (one Latin-1 line)."""
    line = " ".join(message.split())
    return line.encode("latin-1", "replace").decode("latin-1")


def wants_json(accept: str) -> bool:
    """Tell whether an Accept header prefers JSON to text and HTML."""
    best_json, best_text = -1.0, -1.0
    for part in accept.split(","):
        media, _, parameters = part.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.strip().lower()
        if media == "application/json":
            best_json = max(best_json, quality)
        elif media in ("text/plain", "text/html", "text/*", "*/*"):
            best_text = max(best_text, quality)
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
