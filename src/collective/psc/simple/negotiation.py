"""Choose the representation of a simple page from the Accept header (PEP 691)."""

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


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Return the media ranges of an Accept header with their quality."""
    ranges = []
    for part in header.split(","):
        media, _, parameters = part.strip().partition(";")
        media = media.strip().lower()
        if not media:
            continue
        quality = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """Return the quality the most specific matching range gives an offer."""
    kind = offer.split("/")[0]
    best, specificity = 0.0, -1
    for media, quality in ranges:
        if media == offer:
            rank = 2
        elif media == f"{kind}/*":
            rank = 1
        elif media == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            best, specificity = quality, rank
    return best


def choose_content_type(accept: str | None) -> str:
    """Return the content type to answer; HTML when nothing else fits."""
    if not accept or not accept.strip():
        return HTML
    ranges = parse_accept(accept)
    scored = [
        (_quality(offer, ranges), -index, answer)
        for index, (offer, answer) in enumerate(OFFERS)
    ]
    quality, _order, answer = max(scored)
    if quality <= 0:
        return HTML
    # A bare wildcard says nothing about formats: answer HTML, as PyPI does.
    if all(media in ("*/*", "text/*") for media, _q in ranges):
        return HTML
    return answer
