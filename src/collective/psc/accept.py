"""Read an HTTP Accept header: media ranges with their quality (RFC 9110)."""


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


def quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """Return the quality the most specific matching range gives a media type."""
    kind = offer.split("/")[0]
    best, specificity = 0.0, -1
    for media, value in ranges:
        if media == offer:
            rank = 2
        elif media == f"{kind}/*":
            rank = 1
        elif media == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            best, specificity = value, rank
    return best
