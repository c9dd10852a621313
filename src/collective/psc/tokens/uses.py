"""When each API token of a center last authenticated a request.

The times live in one persistent object per center, apart from the tokens,
and are written at most once per ``USE_RESOLUTION`` per token: an install
that authenticates with a token writes to the database only when the
recorded time is older than that. Two requests that record a use at the same
moment do not conflict; the object keeps the later time.
"""

from Acquisition import aq_base
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from persistent import Persistent
from plone.protect.utils import safeWrite
from typing import Any


USES_ATTRIBUTE = "_psc_token_uses"
# How precisely a token's last use is known: at most one write per this time.
USE_RESOLUTION = timedelta(minutes=5)


class TokenUses(Persistent):
    """The last use of each token of a center, as POSIX timestamps by token id."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def get(self, token_id: str) -> datetime | None:
        """Return when a token was last used, or None when never."""
        stamp = self.times.get(token_id)
        return None if stamp is None else datetime.fromtimestamp(stamp, UTC)

    def _p_resolveConflict(self, old: dict, committed: dict, new: dict) -> dict:
        """Merge two concurrent writes: later times win, forgotten tokens stay gone."""
        before = old.get("times", {})
        theirs = committed.get("times", {})
        ours = new.get("times", {})
        times = {}
        for token_id in theirs.keys() | ours.keys():
            if token_id in before and (token_id not in theirs or token_id not in ours):
                continue
            times[token_id] = max(theirs.get(token_id, 0.0), ours.get(token_id, 0.0))
        return {**committed, "times": times}


def token_uses(center: Any) -> TokenUses | None:
    """Return a center's record of token uses, or None before any use."""
    return getattr(aq_base(center), USES_ATTRIBUTE, None)


def record_use(*, center: Any, token_id: str, request: Any, now: datetime) -> bool:
    """Record that a token was used now unless a use within the resolution is known.

    Return whether anything was written. The write is marked safe for Plone's
    CSRF protection: it is the server's own record, not a change a request asked for.
    """
    uses = token_uses(center)
    last = None if uses is None else uses.get(token_id)
    if last is not None and now - last < USE_RESOLUTION:
        return False
    if uses is None:
        uses = TokenUses()
        setattr(center, USES_ATTRIBUTE, uses)
        safeWrite(center, request)
    times = dict(uses.times)
    times[token_id] = now.timestamp()
    uses.times = times
    safeWrite(uses, request)
    return True


def forget_uses(*, center: Any, token_ids: list[str]) -> None:
    """Drop the recorded uses of tokens that are gone."""
    uses = token_uses(center)
    if uses is None or not any(token_id in uses.times for token_id in token_ids):
        return
    uses.times = {
        key: stamp for key, stamp in uses.times.items() if key not in token_ids
    }
