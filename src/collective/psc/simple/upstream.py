"""Upstream files at ``<center>/upstream-files/<name>/<file>``, fetched on first use."""

from collective.psc.exceptions import InvalidName
from collective.psc.names import normalize_name
from collective.psc.simple.access import refuse_reader
from collective.psc.simple.views import offer_file
from collective.psc.simple.views import PathEndpoint
from collective.psc.upstream import proxy
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from zExceptions import NotFound


METADATA_SUFFIX = ".metadata"


class UpstreamFiles(PathEndpoint):
    """Serve an upstream archive or its .metadata, fetched and verified on first use."""

    def __call__(self):
        """Answer the archive or its .metadata; 404 for what the policy hides."""
        refused = refuse_reader(self.context, self.request)
        if refused is not None:
            return refused
        # The first request of a file stores it: no transform may turn that
        # GET into a confirmation page.
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        if len(self.segments) != 2:
            raise NotFound(self.context, proxy.FILES_SEGMENT, self.request)
        name, filename = self.segments
        try:
            if normalize_name(name) != name:
                raise InvalidName(name)
        except InvalidName:
            raise NotFound(self.context, name, self.request) from None
        if filename.endswith(METADATA_SUFFIX):
            return self._metadata(name, filename[: -len(METADATA_SUFFIX)])
        try:
            found = proxy.archive(self.context, name, filename)
        except proxy.FetchRefused as error:
            return self._bad_gateway(str(error))
        if found is None:
            raise NotFound(self.context, filename, self.request)
        record, stream = found
        response = self.request.response
        response.setHeader("Content-Type", "application/octet-stream")
        response.setHeader(
            "Content-Disposition", f'attachment; filename="{record.filename}"'
        )
        response.setHeader("ETag", f'"{record.sha256}"')
        response.setHeader("Cache-Control", "max-age=31536000, immutable")
        response.setHeader("Content-Length", str(record.size))
        if self.request.method == "HEAD":
            stream.close()
            return b""
        # The whole file, sent by the WSGI server (wsgi.file_wrapper); a
        # file fetched and kept before is offered for replay.
        offer_file(self.request, self.context, stream)
        return stream

    def HEAD(self):
        """Answer the headers of GET without the body."""
        return self()

    def _metadata(self, name: str, filename: str) -> bytes | str:
        try:
            body = proxy.core_metadata(self.context, name, filename)
        except proxy.FetchRefused as error:
            return self._bad_gateway(str(error))
        if body is None:
            raise NotFound(self.context, filename, self.request)
        response = self.request.response
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        response.setHeader("Content-Length", str(len(body)))
        return b"" if self.request.method == "HEAD" else body

    def _bad_gateway(self, message: str) -> str:
        response = self.request.response
        response.setStatus(502, reason="Bad Gateway")
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        return f"{message}\n"
