"""Slow down password guessing: a WSGI filter that counts failed Basic logins.

Plone checks every ``Authorization: Basic`` header as fast as it can, so a
client could try passwords (or API tokens) at the speed of the site. This
filter sits in the WSGI pipeline that ``psc init`` writes, in front of Zope:
it counts the answers ``401`` and ``403`` (and Plone's redirect to its
login form) to requests that carried Basic credentials, per client address
and login, and once a login has failed ``max_failures`` times within
``window`` seconds it answers ``429`` for that address and login without
asking Zope, until the window has passed. A
success clears the count. Memory is bounded: the oldest counts are dropped
past ``max_entries``.
"""

from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

import base64
import binascii
import math
import threading
import time


DEFAULT_MAX_FAILURES = 10
DEFAULT_WINDOW = 60.0
DEFAULT_MAX_ENTRIES = 10_000
FAILED = frozenset({401, 403})
#: Plone redirects a request it refuses to its login form at this URL.
LOGIN_FORM = "require_login"


class FailureCounter:
    """Failed attempts per key within a sliding window, bounded and thread-safe."""

    def __init__(
        self,
        *,
        max_failures: int = DEFAULT_MAX_FAILURES,
        window: float = DEFAULT_WINDOW,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.max_entries = max_entries
        self.clock = clock
        self._failures: OrderedDict[tuple, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def blocked_for(self, key: tuple) -> float:
        """Return how many seconds the key must still wait, 0 when it may try."""
        now = self.clock()
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.max_failures:
                return 0.0
            return max(times[0] + self.window - now, 0.0)

    def fail(self, key: tuple) -> None:
        """Count a failed attempt of the key."""
        now = self.clock()
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times[-self.max_failures :]
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_entries:
                self._failures.popitem(last=False)

    def succeed(self, key: tuple) -> None:
        """Forget the failures of a key that logged in."""
        with self._lock:
            self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)

    def _recent(self, key: tuple, now: float) -> list[float]:
        return [at for at in self._failures.get(key, ()) if now - at < self.window]


def basic_login(environ: dict) -> str | None:
    """Return the login of a request's Basic credentials, or None."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    login, separator, _password = decoded.decode("utf-8", "replace").partition(":")
    return login if separator else None


def failed(status: str, headers: list[tuple[str, str]]) -> bool:
    """Tell whether an answer refuses the credentials the request sent."""
    code = int(status.split(" ", 1)[0])
    if code in FAILED:
        return True
    location = next((v for k, v in headers if k.lower() == "location"), "")
    return code in (302, 303) and LOGIN_FORM in location


class LoginThrottle:
    """WSGI middleware that answers 429 to a login that failed too often."""

    def __init__(self, app: Callable, counter: FailureCounter) -> None:
        self.app = app
        self.counter = counter

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Refuse a throttled login, else pass the request on and count its outcome."""
        login = basic_login(environ)
        if login is None:
            return self.app(environ, start_response)
        key = (environ.get("REMOTE_ADDR", ""), login)
        wait = self.counter.blocked_for(key)
        if wait > 0:
            return _too_many(start_response, login, wait)

        def counting_start_response(status: str, headers: list, *args: Any) -> Any:
            if failed(status, headers):
                self.counter.fail(key)
            elif int(status.split(" ", 1)[0]) < 400:
                self.counter.succeed(key)
            return start_response(status, headers, *args)

        return self.app(environ, counting_start_response)


def _too_many(start_response: Callable, login: str, wait: float) -> list[bytes]:
    seconds = math.ceil(wait)
    body = (
        f"Too many failed logins for {login!r} from this address: wait {seconds} "
        "seconds, then check the username and password or the API token.\n"
    ).encode()
    reason = body.decode().strip().encode("latin-1", "replace").decode("latin-1")
    start_response(
        f"429 {reason}",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(seconds)),
        ],
    )
    return [body]


def filter_factory(
    global_conf: dict, **settings: str
) -> Callable[[Callable], LoginThrottle]:
    """Make the filter from the settings of a PasteDeploy ``[filter:...]`` section."""
    max_failures = int(settings.get("max_failures", DEFAULT_MAX_FAILURES))
    window = float(settings.get("window", DEFAULT_WINDOW))
    max_entries = int(settings.get("max_entries", DEFAULT_MAX_ENTRIES))

    def make_filter(app: Callable) -> LoginThrottle:
        counter = FailureCounter(
            max_failures=max_failures, window=window, max_entries=max_entries
        )
        return LoginThrottle(app, counter)

    return make_filter
