"""Read an upstream simple index over HTTP: PEP 691 JSON first, PEP 503 HTML else.

Every read is bounded in time and in bytes; a page comes back as the PEP 691
dict the center's own pages are built as, with absolute file URLs.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import IO
from typing import NamedTuple
from urllib.parse import SplitResult
from urllib.parse import unquote
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import hashlib
import json
import requests


JSON = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
TIMEOUT = (5, 30)
MAX_PAGE_BYTES = 32 << 20
CHUNK = 1 << 16


class UpstreamError(Exception):
    """The upstream index could not be read or answered something unusable."""


@dataclass(frozen=True)
class Fetched:
    """What an upstream answered for a page: a page, not modified, or not found."""

    page: dict | None
    etag: str | None
    not_modified: bool = False


def public_url(url: str) -> str:
    """Return a URL without the credentials it may carry, fit for logs and pages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def project_url(index_url: str, name: str) -> str:
    """Return the URL of a project's page on an index."""
    return f"{index_url.rstrip('/')}/{name}/"


def json_api_url(index_url: str, name: str) -> str | None:
    """Return the URL of a project's JSON API document (PyPI's) on an index.

    PyPI and collective.psc centers serve it beside their simple index:
    ``https://pypi.org/simple/`` gives ``https://pypi.org/pypi/<name>/json``.
    An index URL whose last segment is not ``simple`` has no known JSON API:
    None.
    """
    parts = urlsplit(index_url)
    base, _, last = parts.path.rstrip("/").rpartition("/")
    if last != "simple":
        return None
    return urlunsplit(parts._replace(path=f"{base}/pypi/{name}/json", fragment=""))


def fetch_json(url: str, *, etag: str | None = None) -> Fetched:
    """Fetch a JSON API document, revalidating with an ETag; raise UpstreamError."""
    got = _get(url, accept="application/json", etag=etag, limit=MAX_PAGE_BYTES)
    if isinstance(got, Fetched):
        return got
    try:
        document = json.loads(got.body)
    except ValueError:
        raise UpstreamError(f"{public_url(url)} sent invalid JSON.") from None
    if not isinstance(document, dict) or not isinstance(document.get("info"), dict):
        raise UpstreamError(f"{public_url(url)} sent no JSON API document.")
    return Fetched(page=document, etag=got.etag)


def fetch_page(
    url: str, *, etag: str | None = None, limit: int = MAX_PAGE_BYTES
) -> Fetched:
    """Fetch a simple page, revalidating with an ETag; raise UpstreamError."""
    got = _get(url, accept=ACCEPT, etag=etag, limit=limit)
    if isinstance(got, Fetched):
        return got
    page = parse_page(got.body, content_type=got.content_type, url=got.url)
    return Fetched(page=page, etag=got.etag)


class Body(NamedTuple):
    """A 200 answer read whole: its bytes, type, final URL and ETag."""

    body: bytes
    content_type: str
    url: str
    etag: str | None


def _get(url: str, *, accept: str, etag: str | None, limit: int) -> Fetched | Body:
    """GET a page of at most ``limit`` bytes; a 304 or 404 is answered as Fetched."""
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    try:
        with requests.get(
            url, headers=headers, timeout=TIMEOUT, stream=True, allow_redirects=True
        ) as answer:
            if answer.status_code == 304:
                return Fetched(page=None, etag=etag, not_modified=True)
            if answer.status_code == 404:
                return Fetched(page=None, etag=None)
            if answer.status_code != 200:
                raise UpstreamError(f"{public_url(url)} answered {answer.status_code}.")
            try:
                body = read_bounded(answer.iter_content(CHUNK), limit)
            except UpstreamError:
                raise UpstreamError(
                    f"{public_url(url)} is larger than {limit} bytes; it is not read."
                ) from None
            return Body(
                body=body,
                content_type=answer.headers.get("Content-Type", ""),
                url=answer.url,
                etag=answer.headers.get("ETag"),
            )
    except requests.RequestException as error:
        raise UpstreamError(
            f"{public_url(url)} could not be read: {type(error).__name__}."
        ) from None


def read_bounded(chunks: Iterator[bytes], limit: int) -> bytes:
    """Join byte chunks, refusing more than ``limit`` bytes."""
    parts = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise UpstreamError(f"The upstream page is larger than {limit} bytes.")
        parts.append(chunk)
    return b"".join(parts)


def parse_page(body: bytes, *, content_type: str, url: str) -> dict:
    """Return the PEP 691 dict of a page in either format, with absolute URLs."""
    if content_type.split(";")[0].strip().lower() == JSON:
        try:
            page = json.loads(body)
        except ValueError:
            raise UpstreamError(f"{public_url(url)} sent invalid JSON.") from None
        if not isinstance(page, dict):
            raise UpstreamError(f"{public_url(url)} sent no PEP 691 page.")
        files = page.get("files")
        if isinstance(files, list):
            page["files"] = [
                {**entry, "url": urljoin(url, entry["url"])}
                for entry in files
                if isinstance(entry, dict) and isinstance(entry.get("url"), str)
            ]
        return page
    parser = LinkParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    return {
        "meta": {"api-version": "1.0"},
        "files": [html_entry(attributes, url) for attributes in parser.links],
        "projects": [{"name": text} for text in parser.texts],
    }


def html_entry(attributes: dict, page_url: str) -> dict:
    """Return the PEP 691 entry of one PEP 503 anchor."""
    absolute = urljoin(page_url, attributes.get("href") or "")
    parts = urlsplit(absolute)
    hashes = {}
    name, _, value = parts.fragment.partition("=")
    if name and value:
        hashes[name] = value
    yanked = attributes.get("data-yanked")
    metadata = attributes.get("data-core-metadata") or attributes.get(
        "data-dist-info-metadata"
    )
    return {
        "filename": unquote(parts.path.rsplit("/", 1)[-1]),
        "url": urlunsplit(parts._replace(fragment="")),
        "hashes": hashes,
        "requires-python": attributes.get("data-requires-python"),
        "yanked": (yanked or True) if yanked is not None else False,
        "core-metadata": metadata_hash(metadata),
    }


def metadata_hash(value: str | None) -> dict | bool:
    """Return the PEP 691 form of a data-core-metadata attribute."""
    if value is None:
        return False
    name, _, digest = value.partition("=")
    return {name: digest} if digest else True


class LinkParser(HTMLParser):
    """Collect the anchors of a PEP 503 page: attributes and texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.texts: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """Start an anchor."""
        if tag == "a":
            self.links.append(dict(attrs))
            self._text = []

    def handle_data(self, data: str) -> None:
        """Keep an anchor's text."""
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        """End an anchor."""
        if tag == "a" and self._text is not None:
            self.texts.append("".join(self._text).strip())
            self._text = None


# Indexes that serve their files from another host than their pages.
FILE_HOSTS = {"pypi.org": ("files.pythonhosted.org",)}
MAX_REDIRECTS = 3


def file_hosts(index_url: str) -> frozenset[str]:
    """Return the hosts (``host[:port]``) an index's files may come from."""
    parts = urlsplit(index_url)
    host = _host(parts)
    return frozenset({host, *FILE_HOSTS.get(parts.hostname or "", ())})


def download_to(
    url: str,
    target: IO[bytes],
    *,
    limit: int,
    hosts: frozenset[str] | None = None,
) -> tuple[str, int]:
    """Copy a file into ``target`` within ``limit`` bytes; return sha256 and size.

    With ``hosts``, the file and every redirect must be on one of them.
    """
    hasher = hashlib.sha256()
    size = 0
    for chunk in download(url, limit=limit, hosts=hosts):
        hasher.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


def download(
    url: str, *, limit: int, hosts: frozenset[str] | None = None
) -> Iterator[bytes]:
    """Yield the bytes of a file in chunks, refusing more than ``limit`` bytes.

    With ``hosts``, a URL or redirect to any other host is refused before it
    is asked for, so an upstream page cannot make the center request
    addresses of its own network.
    """
    try:
        for _redirect in range(MAX_REDIRECTS + 1):
            _check_host(url, hosts)
            with requests.get(
                url, timeout=TIMEOUT, stream=True, allow_redirects=hosts is None
            ) as answer:
                if answer.is_redirect and hosts is not None:
                    url = urljoin(url, answer.headers["Location"])
                    continue
                if answer.status_code != 200:
                    raise UpstreamError(
                        f"{public_url(url)} answered {answer.status_code}."
                    )
                size = 0
                for chunk in answer.iter_content(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise UpstreamError(
                            f"{public_url(url)} is larger than {limit} bytes."
                        )
                    yield chunk
                return
        raise UpstreamError(f"{public_url(url)} redirects too often.")
    except requests.RequestException as error:
        raise UpstreamError(
            f"{public_url(url)} could not be read: {type(error).__name__}."
        ) from None


def _check_host(url: str, hosts: frozenset[str] | None) -> None:
    if hosts is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or _host(parts) not in hosts:
        raise UpstreamError(
            f"{public_url(url)} is not on the upstream index's host "
            f"({', '.join(sorted(hosts))}); the center fetches files only from there."
        )


def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host
