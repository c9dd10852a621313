"""Choose the representation of a simple page from the Accept header (PEP 691)."""

from collective.psc.accept import parse_accept
from collective.psc.accept import quality


JSON = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
HTML = "text/html"
LATEST_JSON = "application/vnd.pypi.simple.latest+json"
LATEST_HTML = "application/vnd.pypi.simple.latest+html"

# What each acceptable media type is answered with, most expressive first:
# on equal quality the server prefers JSON, then versioned HTML, then HTML.
OFFERS = (
    (JSON, JSON),
    (LATEST_JSON, JSON),
    (HTML_V1, HTML_V1),
    (LATEST_HTML, HTML_V1),
    (HTML, HTML),
)


def choose_content_type(accept: str | None) -> str:
    """Return the content type to answer; HTML when nothing else fits."""
    if not accept or not accept.strip():
        return HTML
    ranges = parse_accept(accept)
    scored = [
        (quality(offer, ranges), -index, answer)
        for index, (offer, answer) in enumerate(OFFERS)
    ]
    best, _order, answer = max(scored)
    if best <= 0:
        return HTML
    # A bare wildcard says nothing about formats: answer HTML, as PyPI does.
    if all(media in ("*/*", "text/*") for media, _q in ranges):
        return HTML
    return answer
