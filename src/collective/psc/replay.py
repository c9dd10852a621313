"""Answer anonymous installers again from memory while the database is unchanged.

A WSGI filter in front of Zope, in the pipeline that ``psc init`` writes.
Zope and Plone spend most of an index request on publishing it (the
transaction, the site's traversal hooks, the security checks) rather than on
the page, which is already cached. So the filter keeps the answers that an
index view *offers* and gives them again, without entering Zope, to the same
request while the database has not changed:

- Only a view offers an answer, after Zope has traversed to it and checked
  its permissions, and only for an anonymous ``GET`` it answered with 200:
  the filter decides nothing about access, it repeats what Zope decided.
- An answer is kept with the database's last transaction id as it was
  before Zope read it, and given again only while that id is still the
  latest: any commit (an upload, a yank, a workflow change, a new setting)
  makes every kept answer stale at once, in every process. The id is read
  as a new Zope request would read it: ZEO with ``server-sync`` asks the
  server, RelStorage polls the database.
- An answer built from something besides the database (a page of an
  upstream index kept in memory) is offered with the moment it expires.
- Requests with credentials of any kind (``Authorization``, a cookie,
  ``REMOTE_USER``) and conditional or partial requests other than
  ``If-None-Match`` always go to Zope.
- A whole archive is kept as its file's path, not its bytes, and sent by
  the WSGI server (``wsgi.file_wrapper``); pages are kept as bytes, bounded
  in all (least recently used first out).
"""

from Acquisition import aq_base
from collections.abc import Callable
from collections.abc import Iterable
from collective.psc.lru import SizedLRU
from dataclasses import dataclass
from dataclasses import field
from plone import api
from typing import Any
from ZODB.interfaces import IMVCCStorage

import math
import os
import threading
import time
import transaction
import weakref


#: The environ key under which the filter hands views the list they offer into.
OFFERS = "collective.psc.replay"
#: The header a replayed answer carries, for operators and tests.
HIT_HEADER = ("X-PSC-Cache", "hit")
DEFAULT_MAX_BYTES = 32 << 20
CHUNK = 1 << 16
#: What of a request may change Zope's answer to an anonymous GET of an index view.
KEY_FIELDS = (
    "wsgi.url_scheme",
    "HTTPS",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_ACCEPT",
)
#: Requests with any of these go to Zope: credentials, cookies, conditions, ranges.
BYPASS_FIELDS = (
    "HTTP_AUTHORIZATION",
    "HTTP_COOKIE",
    "REMOTE_USER",
    "HTTP_RANGE",
    "HTTP_IF_RANGE",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
#: Headers a 304 does not repeat.
NOT_IN_304 = frozenset({"content-length", "content-type", "content-disposition"})


@dataclass
class Offer:
    """What a view offers: its database, and the archive's file or an expiry."""

    db: Any
    path: str | None = None
    until: float = math.inf


@dataclass
class Kept:
    """An answer kept: the transaction id it stands for, status, headers, body."""

    db: Any
    tid: bytes
    status: str
    headers: list[tuple[str, str]]
    body: bytes | None
    path: str | None
    until: float
    etag: str | None
    size: int = field(default=0)
    #: The Content-Length Zope sent, checked against an archive's file.
    length: int | None = None


def offer(
    request: Any, context: Any, *, path: str | None = None, until: float = math.inf
) -> None:
    """Let the replay filter give this answer again while the database is unchanged.

    Call it from an index view that answers 200 with what it read from
    ``context``'s database; ``path`` is the file a whole archive is sent
    from, ``until`` the ``time.monotonic()`` after which the answer may
    differ for reasons outside the database. Does nothing unless the request
    is an anonymous GET that came through the filter.
    """
    offers = request.environ.get(OFFERS)
    if offers is None or request.method != "GET":
        return
    if not api.user.is_anonymous():
        return
    jar = getattr(aq_base(context), "_p_jar", None)
    if jar is None:
        return
    offers.append(Offer(db=jar.db(), path=path, until=until))


class SharedRoundFailed(Exception):
    """The shared call a caller waited for failed (the cause is chained)."""


class SharedRound:
    """Share one call of a function among the callers that came before it started.

    A caller needs a result from a call that *started after* it came: a call
    already under way may have asked the server before the caller's client
    saw its own write committed elsewhere. So a caller waits for the call
    under way, if any, and then shares the next one, which the first of the
    waiting callers makes. Alone, a caller makes its own call at once. A
    failed call fails for all who shared it: with the database server gone,
    they do not wait for it one after the other.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._started = 0
        self._finished = 0
        self._running = False
        self._value = b""
        self._error: BaseException | None = None

    def __call__(self, function: Callable[[], bytes]) -> bytes:
        """Return what a call of ``function`` begun after this one came returned."""
        with self._changed:
            wanted = self._started + 1
            while self._finished < wanted:
                if self._running:
                    self._changed.wait()
                    continue
                self._running = True
                self._started += 1
                number = self._started
                self._changed.release()
                value, error = b"", None
                try:
                    value = function()
                except BaseException as failure:  # noqa: BLE001 - every sharer's too
                    error = failure
                self._changed.acquire()
                self._running = False
                self._finished = number
                self._value, self._error = value, error
                self._changed.notify_all()
                if error is not None:
                    raise error
            if self._error is not None:
                raise SharedRoundFailed(str(self._error)) from self._error
            return self._value


_rounds: weakref.WeakKeyDictionary[Any, SharedRound] = weakref.WeakKeyDictionary()
_rounds_lock = threading.Lock()


def read_last_tid(db: Any) -> bytes:
    """Return the last transaction id that a new connection to ``db`` would see."""
    storage = db.storage
    if IMVCCStorage.providedBy(storage):
        # RelStorage: a connection's poll is what tells the latest commit. An
        # explicit transaction manager keeps open() from polling once more.
        manager = transaction.TransactionManager(explicit=True)
        connection = db.open(transaction_manager=manager)
        try:
            connection.newTransaction(None, True)
            return connection._storage.lastTransaction()
        finally:
            connection.close()
    # ZEO with server-sync asks the server; FileStorage knows at once.
    sync = getattr(storage, "sync", None)
    if sync is not None:
        sync()
    return storage.lastTransaction()


def current_tid(db: Any) -> bytes:
    """Return the database's last transaction id as a new request would see it.

    Where that costs a round trip (ZEO, RelStorage), requests that come
    together share one, as long as it started after they came.
    """
    storage = db.storage
    if not IMVCCStorage.providedBy(storage) and getattr(storage, "sync", None) is None:
        return read_last_tid(db)  # FileStorage: nothing to wait for, nothing to share
    shared = _rounds.get(db)
    if shared is None:
        with _rounds_lock:
            shared = _rounds.setdefault(db, SharedRound())
    return shared(lambda: read_last_tid(db))


def databases() -> dict[str, Any]:
    """Return the databases Zope serves from now, by name (none before start-up)."""
    import Zope2

    root = getattr(Zope2, "DB", None)
    return dict(getattr(root, "databases", None) or {})


def request_key(environ: dict) -> tuple | None:
    """Return what identifies a replayable request, or None if it must go to Zope."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if any(environ.get(name) for name in BYPASS_FIELDS):
        return None
    return tuple(environ.get(name) for name in KEY_FIELDS)


def etag_matches(header: str | None, etag: str) -> bool:
    """Tell whether an If-None-Match header lists an entity tag (or is ``*``)."""
    if not header:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def answer_store(max_bytes: int = DEFAULT_MAX_BYTES) -> SizedLRU[Kept]:
    """Return a store of kept answers: ``max_bytes`` in all, none over an eighth."""
    return SizedLRU(max_bytes, max_entry_bytes=max_bytes // 8)


class ReplayFilter:
    """The WSGI filter: replay kept answers, keep the answers views offer."""

    def __init__(self, app: Callable, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.app = app
        self.store = answer_store(max_bytes)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Answer from the store when its answer is current, else ask Zope."""
        key = request_key(environ)
        if key is None:
            return self.app(environ, start_response)
        kept = self.store.get(key)
        if kept is not None:
            answer = self._replay(key, kept, environ, start_response)
            if answer is not None:
                return answer
        if environ["REQUEST_METHOD"] != "GET":
            return self.app(environ, start_response)
        return self._ask(key, environ, start_response)

    def _ask(
        self, key: tuple, environ: dict, start_response: Callable
    ) -> Iterable[bytes]:
        # Read before Zope does: an answer is kept with an id no newer than
        # what Zope read, so a commit in between only makes it stale sooner.
        before = {}
        for name, db in databases().items():
            try:
                before[name] = (db, current_tid(db))
            except Exception:  # noqa: BLE001, S112 - a database not open keeps nothing
                continue
        offers: list[Offer] = []
        environ[OFFERS] = offers
        answer: dict = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        if len(offers) != 1 or not answer.get("status", "").startswith("200 "):
            return result
        offered = offers[0]
        db, tid = before.get(offered.db.database_name, (None, None))
        if db is not offered.db or tid is None:
            return result
        if offered.path is None and not isinstance(result, (list, tuple)):
            return result
        body = None if offered.path is not None else b"".join(result)
        kept = self._kept(offered, tid, answer, body)
        if kept is not None:
            self.store.put(key, kept, kept.size)
        return result if body is None else [body]

    def _kept(
        self, offered: Offer, tid: bytes, answer: dict, body: bytes | None
    ) -> Kept | None:
        headers = [(str(name), str(value)) for name, value in answer["headers"]]
        names = {name.lower(): value for name, value in headers}
        if "set-cookie" in names:
            return None
        vary = {part.strip().lower() for part in names.get("vary", "").split(",")}
        if not vary <= {"", "accept"}:
            return None
        size = sum(len(n) + len(v) for n, v in headers) + len(
            body or offered.path or ""
        )
        return Kept(
            db=offered.db,
            tid=tid,
            status=answer["status"],
            headers=headers,
            body=body,
            path=offered.path,
            until=offered.until,
            etag=names.get("etag"),
            length=int(names["content-length"]) if "content-length" in names else None,
            size=size,
        )

    def _replay(
        self, key: tuple, kept: Kept, environ: dict, start_response: Callable
    ) -> Iterable[bytes] | None:
        db = databases().get(kept.db.database_name)
        if db is not kept.db or time.monotonic() >= kept.until:
            self.store.discard(key, kept)
            return None
        try:
            current = current_tid(db)
        except Exception:  # noqa: BLE001 - Zope answers, and says what is wrong
            return None
        if current != kept.tid:
            self.store.discard(key, kept)
            return None
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match and kept.etag and etag_matches(match, kept.etag):
            headers = [h for h in kept.headers if h[0].lower() not in NOT_IN_304]
            start_response("304 Not Modified", [*headers, HIT_HEADER])
            return []
        if kept.path is None:
            start_response(kept.status, [*kept.headers, HIT_HEADER])
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [kept.body or b""]
        return self._send_file(key, kept, environ, start_response)

    def _send_file(
        self, key: tuple, kept: Kept, environ: dict, start_response: Callable
    ) -> Iterable[bytes] | None:
        path = kept.path or ""
        try:
            stream = open(path, "rb")  # noqa: SIM115 - the server closes it
        except OSError:
            # A blob cache may drop its copy: Zope fetches the file again.
            self.store.discard(key, kept)
            return None
        if kept.length is not None and os.fstat(stream.fileno()).st_size != kept.length:
            stream.close()
            self.store.discard(key, kept)
            return None
        start_response(kept.status, [*kept.headers, HIT_HEADER])
        if environ["REQUEST_METHOD"] == "HEAD":
            stream.close()
            return []
        wrapper = environ.get("wsgi.file_wrapper")
        if wrapper is not None:
            return wrapper(stream, CHUNK)
        return read_chunks(stream)


def read_chunks(stream: Any) -> Iterable[bytes]:
    """Yield a file's bytes in chunks, closing it at the end."""
    with stream:
        yield from iter(lambda: stream.read(CHUNK), b"")


def filter_factory(
    global_conf: dict, max_bytes: str | int = DEFAULT_MAX_BYTES
) -> Callable:
    """Return the filter for a Paste Deploy pipeline (``use = call:...``)."""

    def make(app: Callable) -> ReplayFilter:
        return ReplayFilter(app, max_bytes=int(max_bytes))

    return make
