"""Serve ``<center>/simple/`` and ``<center>/packages/...`` to installers."""

from collections.abc import Callable
from collective.psc.exceptions import InvalidName
from collective.psc.interfaces import IIndexEndpoint
from collective.psc.lru import SizedLRU
from collective.psc.names import normalize_name
from collective.psc.replay import etag_matches
from collective.psc.replay import offer
from collective.psc.services import archives
from collective.psc.services import distributions
from collective.psc.simple import data
from collective.psc.simple import render
from collective.psc.simple.access import refuse_reader
from collective.psc.simple.negotiation import choose_content_type
from collective.psc.simple.negotiation import JSON
from collective.psc.tracked import local_project
from collective.psc.upstream import proxy
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from Products.Five.browser import BrowserView
from typing import Any
from typing import BinaryIO
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
from ZPublisher.Iterators import IStreamIterator

import math


# Installers must see a new upload at once: they may keep a page, but must
# revalidate it (cheaply, with the ETag) before every use.
CACHE_CONTROL = "max-age=0, must-revalidate"
CHUNK = 1 << 16


# The page cache holds at most this many bytes of rendered pages and page
# data, least recently used first out (see docs/limits.rst).
PAGE_CACHE_BYTES = 64 << 20


def entry_size(value: object) -> int:
    """Return the bytes a cached value counts for: its length, or its repr's."""
    if isinstance(value, (bytes, str)):
        return len(value)
    return len(repr(value))


class SimplePageCache:
    """Keep rendered page data per center and serial, bounded in bytes (LRU).

    Safe to share between the server's threads; values are built outside
    the store's lock, and the first value kept for a key is the one used.
    """

    def __init__(self, max_bytes: int = PAGE_CACHE_BYTES) -> None:
        self.store: SizedLRU[Any] = SizedLRU(max_bytes)

    def __len__(self) -> int:
        return len(self.store)

    @property
    def total(self) -> int:
        """Return the bytes the kept values count for."""
        return self.store.total

    def get(self, key: tuple, build: Callable[[], Any]) -> Any:
        """Return the value of a key, building it when absent."""
        value = self.store.get(key)
        if value is None:
            value = build()
            value = self.store.setdefault(key, value, entry_size(value))
        return value


PAGES = SimplePageCache()


def answer_revalidation(request, *, center, serial: int, kind: str) -> bool:
    """Set the caching headers of an index page; tell whether a 304 was answered.

    The ETag names the center's journal as well as the serial, so a center
    deleted and made again (whose serials start over) never matches.
    """
    # Index pages are for installers: no theme, no CSRF token rewriting,
    # and no parsing of the body by the transform chain on the way out.
    request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
    response = request.response
    etag = f'"{center.journal.uid[:12]}-{serial}-{kind}"'
    response.setHeader("X-PyPI-Last-Serial", str(serial))
    response.setHeader("Cache-Control", CACHE_CONTROL)
    response.setHeader("ETag", etag)
    if etag_matches(request.get_header("If-None-Match"), etag):
        response.setStatus(304)
        return True
    return False


@implementer(IPublishTraverse, IIndexEndpoint)
class ProjectPages(BrowserView):
    """Base of the index views at ``<center>/<segment>/[<name>/]``.

    Reads the project name from the path, refuses readers of private
    centers, answers 404 for unknown names and 301 to the canonical URL
    (normalized name, trailing slash); subclasses answer the pages.
    """

    segment = ""
    center_url = ""
    project_name: str | None = None
    extra: bool = False
    merged_key: tuple = ()
    #: Until when the answer holds without the database changing: the
    #: upstream pages it was decided with expire (see ``collective.psc.replay``).
    replay_until: float = math.inf

    def publishTraverse(self, request, name: str) -> "ProjectPages":
        """Take the project name from the path."""
        if self.project_name is None:
            self.project_name = name
        else:
            self.extra = True
        return self

    def __call__(self) -> str:
        """Answer the page, or redirect to its canonical URL."""
        refused = refuse_reader(self.context, self.request)
        if refused is not None:
            return refused
        if self.extra:
            raise NotFound(self.context, self.segment, self.request)
        self.center_url = self.context.absolute_url()
        base = f"{self.center_url}/{self.segment}/"
        slash = self.request["ACTUAL_URL"].endswith("/")
        if self.project_name is None:
            return self.list_page() if slash else self._redirect(base)
        try:
            normalized = normalize_name(self.project_name)
        except InvalidName:
            raise NotFound(self.context, self.project_name, self.request) from None
        # A project tracked from upstream is served from there, as if absent.
        project = local_project(self.context, normalized)
        merged = self._merged(normalized, project)
        if project is None and merged is None:
            raise NotFound(self.context, self.project_name, self.request)
        if normalized != self.project_name or not slash:
            return self._redirect(f"{base}{normalized}/")
        if merged is not None:
            return self.upstream_page(merged)
        return self.project_page(project)

    def _merged(self, name: str, project) -> dict | None:
        """Return the project's page with its upstream files, built once per state."""
        found = {"center": self.context, "name": name, "project": project}
        state = data.merged_page_state(**found)
        if state is None:
            return None
        self.replay_until = state.fresh_until
        found.update(center_url=self.center_url, state=state)
        self.merged_key = key = data.merged_page_key(**found)
        # An empty dict stands for "no upstream files": the cache keeps no None.
        page = PAGES.get(key, lambda: data.merged_project_page(**found) or {})
        return page or None

    def list_page(self) -> str:
        """Answer the page of the whole center."""
        raise NotImplementedError

    def project_page(self, project) -> str:
        """Answer the page of one project."""
        raise NotImplementedError

    def upstream_page(self, page: dict) -> str:
        """Answer the PEP 691 page of a project that holds upstream files."""
        raise NotImplementedError

    def _redirect(self, url: str) -> str:
        self.request.response.redirect(url, status=301, lock=True)
        return ""


class SimpleIndex(ProjectPages):
    """The simple repository API: the project list and one page per project."""

    segment = "simple"

    def list_page(self) -> str:
        """Answer the project list."""
        serial = self.context.journal.last_serial
        fetched = proxy.fetched_count(self.context)
        return self._respond(
            ("root", self.context.journal.uid, serial, self.center_url, fetched),
            lambda: data.merged_root_page(self.context, data.root_page(self.context)),
            serial,
            render.root_html,
            variant=f"-{fetched}" if fetched else "",
        )

    def project_page(self, project) -> str:
        """Answer a project's page."""
        center_url = self.center_url
        serial = project.last_serial()
        return self._respond(
            ("project", self.context.journal.uid, project.getId(), serial, center_url),
            lambda: data.project_page(project, center_url=center_url, serial=serial),
            serial,
            render.project_html,
        )

    def upstream_page(self, page: dict) -> str:
        """Answer a project's page with its upstream files, built for this request."""
        response = self.request.response
        content_type = choose_content_type(self.request.get_header("Accept"))
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        response.setHeader("Vary", "Accept")
        response.setHeader("Cache-Control", CACHE_CONTROL)
        key = self.merged_key
        offer(self.request, self.context, until=self.replay_until)
        if content_type == JSON:
            response.setHeader("Content-Type", JSON)
            return PAGES.get((*key, "json"), lambda: render.page_json(page))
        response.setHeader(
            "Content-Type",
            content_type if content_type != "text/html" else "text/html; charset=utf-8",
        )
        return PAGES.get((*key, "html"), lambda: render.project_html(page))

    def _respond(self, key: tuple, build, serial: int, html, variant: str = "") -> str:
        """Answer a page from the body cached for its key and format."""
        response = self.request.response
        content_type = choose_content_type(self.request.get_header("Accept"))
        kind = ("json" if content_type == JSON else "html") + variant
        response.setHeader("Vary", "Accept")
        if answer_revalidation(
            self.request, center=self.context, serial=serial, kind=kind
        ):
            return ""
        page = PAGES.get(key, build)
        offer(self.request, self.context, until=self.replay_until)
        if content_type == JSON:
            response.setHeader("Content-Type", JSON)
            return PAGES.get((*key, kind), lambda: render.page_json(page))
        response.setHeader(
            "Content-Type",
            content_type if content_type != "text/html" else "text/html; charset=utf-8",
        )
        return PAGES.get((*key, kind), lambda: html(page))


@implementer(IStreamIterator)
class ArchiveIterator:
    """Stream part or all of a stored archive to the WSGI server."""

    def __init__(self, stream: BinaryIO, start: int, length: int) -> None:
        stream.seek(start)
        self.stream = stream
        self.remaining = length
        self.length = length

    def __iter__(self) -> "ArchiveIterator":
        return self

    def __next__(self) -> bytes:
        if self.remaining <= 0:
            self.stream.close()
            raise StopIteration
        chunk = self.stream.read(min(CHUNK, self.remaining))
        if not chunk:
            self.stream.close()
            raise StopIteration
        self.remaining -= len(chunk)
        return chunk

    def __len__(self) -> int:
        return self.length


@implementer(IPublishTraverse, IIndexEndpoint)
class PathEndpoint(BrowserView):
    """Base of the index views that read the rest of the URL path as segments."""

    def __init__(self, context, request) -> None:
        super().__init__(context, request)
        self.segments: list[str] = []

    def publishTraverse(self, request, name: str) -> "PathEndpoint":
        """Collect one path segment below the view."""
        self.segments.append(name)
        return self


class Packages(PathEndpoint):
    """Serve archives and their core metadata at content-addressed URLs."""

    def __call__(self):
        """Answer the archive (GET, HEAD, one byte range) or its .metadata."""
        refused = refuse_reader(self.context, self.request)
        if refused is not None:
            return refused
        # An archive or its metadata: nothing for the transform chain to
        # rewrite, and a GET here writes nothing for plone.protect to check.
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        path = "/".join(["packages", *self.segments])
        filename = self.segments[-1] if self.segments else ""
        want_metadata = filename.endswith(".metadata")
        if want_metadata:
            filename = filename[: -len(".metadata")]
            path = path[: -len(".metadata")]
        distribution = distributions.find_file(center=self.context, filename=filename)
        if distribution is None or data.file_path(distribution) != path:
            raise NotFound(self.context, path, self.request)
        response = self.request.response
        response.setHeader("Cache-Control", "max-age=31536000, immutable")
        response.setHeader("Accept-Ranges", "bytes")
        if want_metadata:
            if distribution.core_metadata is None:
                raise NotFound(self.context, path, self.request)
            body = distribution.core_metadata
            response.setHeader("Content-Type", "text/plain; charset=utf-8")
            response.setHeader("ETag", f'"{distribution.core_metadata_sha256}"')
            response.setHeader("Content-Length", str(len(body)))
            offer(self.request, self.context)
            return b"" if self.request.method == "HEAD" else body
        return self._archive(distribution)

    def _archive(self, distribution):
        response = self.request.response
        etag = f'"{distribution.sha256}"'
        response.setHeader("ETag", etag)
        response.setHeader("Content-Type", "application/octet-stream")
        response.setHeader(
            "Content-Disposition", f'attachment; filename="{distribution.filename}"'
        )
        if etag_matches(self.request.get_header("If-None-Match"), etag):
            response.setStatus(304)
            return b""
        size = distribution.size
        start, end = 0, size - 1
        requested = byte_range(self.request.get_header("Range"), size)
        if requested == "unsatisfiable":
            response.setStatus(416)
            response.setHeader("Content-Range", f"bytes */{size}")
            return b""
        if isinstance(requested, tuple):
            start, end = requested
            response.setStatus(206)
            response.setHeader("Content-Range", f"bytes {start}-{end}/{size}")
        length = end - start + 1
        response.setHeader("Content-Length", str(length))
        if self.request.method == "HEAD":
            return b""
        archive = archives.open_archive(distribution)
        if requested is None:
            # The whole file: the WSGI server sends it (wsgi.file_wrapper),
            # without a Python iterator between it and the socket.
            offer_file(self.request, self.context, archive)
            return archive
        return ArchiveIterator(archive, start, length)

    def HEAD(self):
        """Answer the headers of GET without the body."""
        return self()


def offer_file(request, context, stream: BinaryIO) -> None:
    """Offer a whole archive for replay when it is read from a file of its own."""
    path = getattr(stream, "name", None)
    if isinstance(path, str) and path.startswith("/"):
        offer(request, context, path=path)


def byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """Return the one byte range a Range header asks for, or None for all."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, dash, last = header[len("bytes=") :].strip().partition("-")
    digits = frozenset("0123456789")
    if not dash or not set(first + last) <= digits or not (first or last):
        return None
    if first == "":
        length = int(last)
        if length <= 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, min(end, size - 1)
