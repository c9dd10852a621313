"""Refuse upload requests that a web browser sends.

twine, uv and the other upload clients send credentials with every request
and never an ``Origin`` or ``Sec-Fetch-*`` header. A browser sends them on
every POST, and it re-sends Basic credentials it has cached for a private
center even when another site makes it post a form: refusing the browser's
requests is what keeps such a cross-site form from uploading in the name of
the user.
"""

from collective.psc.exceptions import BrowserRequest
from typing import Any


#: Request headers that browsers send and packaging clients do not.
BROWSER_HEADERS = ("Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest")


def refuse_browser_request(request: Any) -> None:
    """Raise BrowserRequest when the request carries a browser's fetch headers."""
    sent = [name for name in BROWSER_HEADERS if request.get_header(name)]
    if sent:
        raise BrowserRequest(
            "Uploads are accepted from packaging clients such as twine and uv "
            f"publish only; this request came from a web browser ({sent[0]} "
            "header) and is refused to protect your account from cross-site "
            "requests."
        )
